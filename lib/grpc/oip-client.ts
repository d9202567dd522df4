/** Loads proto/open_inference.proto and builds a typed Open Inference Protocol v2 client. */
import { loadPackageDefinition } from '@grpc/grpc-js';
import type { ChannelOptions } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { PackageDefinition } from '@grpc/proto-loader';

import { PROTO_LOADER_OPTIONS, ROUND_ROBIN } from './client';
import type { GRPCInferenceServiceClient } from './generated/inference/GRPCInferenceService';
import type { ProtoGrpcType } from './generated/open_inference';
import { OPEN_INFERENCE_PROTO } from './proto';
import { OPEN_CLIENT, channelCredentials, tokenInterceptors } from './security';
import type { InferenceClientSecurity } from './security';
import { grpcTarget } from './target';

export const OIP_SERVICE_NAME = 'inference.GRPCInferenceService';

export function loadOipPackageDefinition(): PackageDefinition {
  return loadSync(OPEN_INFERENCE_PROTO, PROTO_LOADER_OPTIONS);
}

export function loadOipProto(packageDefinition = loadOipPackageDefinition()): ProtoGrpcType {
  return loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;
}

/** A client of any OIP v2 server (ours, Triton, KServe) at INFERENCE_URL: one address or a list, balanced round-robin (see target.ts), with the token and TLS of `security`. */
export function createOipClient(
  inferenceUrl: string,
  options: ChannelOptions = {},
  security: InferenceClientSecurity = OPEN_CLIENT,
): GRPCInferenceServiceClient {
  const proto = loadOipProto();
  return new proto.inference.GRPCInferenceService(grpcTarget(inferenceUrl), channelCredentials(security), {
    'grpc.service_config': ROUND_ROBIN,
    ...options,
    interceptors: tokenInterceptors(security),
  });
}
