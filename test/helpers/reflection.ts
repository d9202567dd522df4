/** A grpc.reflection.v1 client built from the proto @grpc/reflection ships: lists a server's services. */
import path from 'node:path';

import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import type { GrpcObject, ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

import { tokenInterceptors } from '../../lib/grpc/security';
import type { InferenceClientSecurity } from '../../lib/grpc/security';

type ReflectionStream = NodeJS.ReadWriteStream & { end(): void; write(message: object): boolean };

/** The services the server at `address` lists through reflection, asked with `security`'s token; rejects with the call's error. */
export function listServices(address: string, security: InferenceClientSecurity): Promise<string[]> {
  const proto = path.join(path.dirname(require.resolve('@grpc/reflection')), '..', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
  const pkg = loadPackageDefinition(loadSync(proto)) as unknown as { grpc: { reflection: { v1: GrpcObject } } };
  const Reflection = pkg.grpc.reflection.v1.ServerReflection as ServiceClientConstructor;
  const client = new Reflection(address, credentials.createInsecure(), { interceptors: tokenInterceptors(security) });
  const stream = (client as unknown as { ServerReflectionInfo: () => ReflectionStream }).ServerReflectionInfo();
  return new Promise<string[]>((resolve, reject) => {
    stream.once('data', (m: { listServicesResponse: { service: { name: string }[] } }) =>
      resolve(m.listServicesResponse.service.map((s) => s.name)),
    );
    stream.once('error', reject);
    stream.write({ listServices: '' });
  }).finally(() => {
    stream.end();
    client.close();
  });
}
