/** Loads proto/inference.proto and builds a typed ModelInference client. */
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import type { ChannelOptions } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { Options, PackageDefinition } from '@grpc/proto-loader';

import type { ProtoGrpcType } from './generated/inference';
import type { ModelInferenceClient } from './generated/infergraph/inference/v1/ModelInference';
import { INFERENCE_PROTO, PROTO_DIR } from './proto';

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
 * `dns:///inference-headless:50051` (a headless Kubernetes Service) spreads
 * calls over all inference replicas; one address behaves as before.
 */
export const ROUND_ROBIN = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

export function createInferenceClient(address: string, options: ChannelOptions = {}): ModelInferenceClient {
  const proto = loadInferenceProto();
  return new proto.infergraph.inference.v1.ModelInference(address, credentials.createInsecure(), { 'grpc.service_config': ROUND_ROBIN, ...options });
}

export const INFERENCE_SERVICE_NAME = 'infergraph.inference.v1.ModelInference';
