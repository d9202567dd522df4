/** Loads proto/inference.proto and builds a typed ModelInference client. */
import { loadPackageDefinition } from '@grpc/grpc-js';
import type { ChannelOptions } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { Options, PackageDefinition } from '@grpc/proto-loader';

import type { ProtoGrpcType } from './generated/inference';
import type { ModelInferenceClient } from './generated/infergraph/inference/v1/ModelInference';
import { INFERENCE_PROTO, PROTO_DIR } from './proto';
import { OPEN_CLIENT, channelCredentials, tokenInterceptors } from './security';
import type { InferenceClientSecurity } from './security';
import { grpcTarget } from './target';

/** Options matching the flags the types were generated with (scripts/generate-proto.ts). */
export const PROTO_LOADER_OPTIONS: Options = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export function loadInferencePackageDefinition(): PackageDefinition {
  return loadSync(INFERENCE_PROTO, PROTO_LOADER_OPTIONS);
}

export function loadInferenceProto(packageDefinition = loadInferencePackageDefinition()): ProtoGrpcType {
  return loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;
}

/**
 * Round-robin over every address the target resolves to, so that
 * `dns:///inference-headless:50051` (a headless Kubernetes Service) or an
 * INFERENCE_URL list spreads calls over all inference replicas; one address
 * behaves as before.
 */
export const ROUND_ROBIN = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

/**
 * A client for INFERENCE_URL: one address or a comma-separated list (see target.ts),
 * sending INFERENCE_TOKEN with every call and speaking TLS when the security settings say so.
 */
export function createInferenceClient(
  inferenceUrl: string,
  options: ChannelOptions = {},
  security: InferenceClientSecurity = OPEN_CLIENT,
): ModelInferenceClient {
  const proto = loadInferenceProto();
  return new proto.infergraph.inference.v1.ModelInference(grpcTarget(inferenceUrl), channelCredentials(security), {
    'grpc.service_config': ROUND_ROBIN,
    ...options,
    interceptors: tokenInterceptors(security),
  });
}

export const INFERENCE_SERVICE_NAME = 'infergraph.inference.v1.ModelInference';
