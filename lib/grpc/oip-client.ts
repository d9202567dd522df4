/** Loads proto/open_inference.proto and builds a typed Open Inference Protocol v2 client. */
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import type { ChannelOptions } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { PackageDefinition } from '@grpc/proto-loader';

import { PROTO_LOADER_OPTIONS, ROUND_ROBIN } from './client';
import type { GRPCInferenceServiceClient } from './generated/inference/GRPCInferenceService';
import type { ProtoGrpcType } from './generated/open_inference';
import { OPEN_INFERENCE_PROTO } from './proto';

export const OIP_SERVICE_NAME = 'inference.GRPCInferenceService';

export function loadOipPackageDefinition(): PackageDefinition {
  return loadSync(OPEN_INFERENCE_PROTO, PROTO_LOADER_OPTIONS);
}

export function loadOipProto(packageDefinition = loadOipPackageDefinition()): ProtoGrpcType {
  return loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;
}

/** A client of any OIP v2 server (ours, Triton, KServe), round-robin over every address the target resolves to. */
export function createOipClient(address: string, options: ChannelOptions = {}): GRPCInferenceServiceClient {
  const proto = loadOipProto();
  return new proto.inference.GRPCInferenceService(address, credentials.createInsecure(), { 'grpc.service_config': ROUND_ROBIN, ...options });
}
