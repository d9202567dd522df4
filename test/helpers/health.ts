/** A grpc.health.v1 client built from the proto grpc-health-check ships. */
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import type { Client, GrpcObject, ServiceClientConstructor, requestCallback } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

import { unary } from '../../lib/grpc/unary';

interface HealthClient extends Client {
  check(request: { service: string }, callback: requestCallback<{ status: string }>): void;
}

export interface HealthChecker {
  check(service: string): Promise<string>;
  close(): void;
}

export function healthClient(address: string): HealthChecker {
  const pkg = loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as { grpc: { health: { v1: GrpcObject } } };
  const Health = pkg.grpc.health.v1.Health as ServiceClientConstructor;
  const client = new Health(address, credentials.createInsecure()) as unknown as HealthClient;
  return {
    check: async (service) => (await unary<{ status: string }>((cb) => client.check({ service }, cb))).status,
    close: () => client.close(),
  };
}
