/** Loads proto/open_inference.proto and builds a typed Open Inference Protocol v2 client. */
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import type { ChannelOptions } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { PackageDefinition } from '@grpc/proto-loader';

import { PROTO_LOADER_OPTIONS, ROUND_ROBIN } from './client';
import type { GRPCInferenceServiceClient } from './generated/inference/GRPCInferenceService';
import type { ProtoGrpcType } from './generated/open_inference';
import { OPEN_INFERENCE_PROTO } from './proto';
import { grpcTarget } from './target';

export const OIP_SERVICE_NAME = 'inference.GRPCInferenceService';

export function loadOipPackageDefinition(): PackageDefinition {
  return loadSync(OPEN_INFERENCE_PROTO, PROTO_LOADER_OPTIONS);
}

export function loadOipProto(packageDefinition = loadOipPackageDefinition()): ProtoGrpcType {
  return loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;
}

/** A client of any OIP v2 server (ours, Triton, KServe) at INFERENCE_URL: one address or a list, balanced round-robin (see target.ts). */
export function createOipClient(inferenceUrl: string, options: ChannelOptions = {}): GRPCInferenceServiceClient {
  const proto = loadOipProto();
  return new proto.inference.GRPCInferenceService(grpcTarget(inferenceUrl), credentials.createInsecure(), { 'grpc.service_config': ROUND_ROBIN, ...options });
}
