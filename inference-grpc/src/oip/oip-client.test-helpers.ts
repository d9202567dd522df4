/**
 * A generic Open Inference Protocol v2 client built from
 * proto/open_inference.proto alone (wire field names, no project types or
 * code), as any OIP client (Triton's, KServe's) would be, with the raw
 * tensor encodings the conformance tests send and read.
 */
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import type { GrpcObject, ServiceClientConstructor, ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import path from 'node:path';

import { tokenInterceptors } from '../../../lib/grpc/security';
import type { InferenceFixture } from '../../../test/helpers/inference';

export const PROTO = path.join(__dirname, '..', '..', '..', 'proto', 'open_inference.proto');

export interface Contents {
  int64_contents?: number[];
  fp32_contents?: number[];
  bytes_contents?: Buffer[];
}
export interface Tensor {
  name: string;
  datatype: string;
  shape: number[];
  contents?: Contents | null;
}
export interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: Tensor[];
  raw_output_contents: Buffer[];
}
export interface MetadataResponse {
  name: string;
  versions: string[];
  platform: string;
  inputs: Tensor[];
  outputs: Tensor[];
}

export type Callback = (err: ServiceError | null, value?: unknown) => void;
export type Oip = Record<string, (request: object, options: object, callback: Callback) => void> & { close(): void };

export function oipClient(f: InferenceFixture): Oip {
  const definition = loadSync(PROTO, { keepCase: true, longs: Number, defaults: true });
  const pkg = loadPackageDefinition(definition).inference as GrpcObject;
  const Client = pkg.GRPCInferenceService as ServiceClientConstructor;
  return new Client(f.address, credentials.createInsecure(), { interceptors: tokenInterceptors(f.security) }) as unknown as Oip;
}

export function call<T>(client: Oip, method: string, request: object = {}, options: { deadline?: number } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const rpc = client[method];
    if (!rpc) throw new Error(`no method ${method}`);
    rpc.call(client, request, options, (err: ServiceError | null, value?: unknown) => (err ? reject(err) : resolve(value as T)));
  });
}

export async function failed(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as ServiceError;
    return { code: e.code, details: e.details };
  }
  throw new Error('expected the call to fail, but it answered');
}

/** BYTES elements, raw: each a 4-byte little-endian length, then its bytes. */
export function rawBytes(texts: string[]): Buffer {
  return Buffer.concat(
    texts.flatMap((t) => {
      const bytes = Buffer.from(t, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}
export function readRawBytes(raw: Buffer): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < raw.length;) {
    const length = raw.readUInt32LE(offset);
    out.push(raw.subarray(offset + 4, offset + 4 + length).toString('utf8'));
    offset += 4 + length;
  }
  return out;
}
export function rawFp32(values: number[]): Buffer {
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => raw.writeFloatLE(v, i * 4));
  return raw;
}
export function readRawFp32(raw: Buffer): number[] {
  return Array.from({ length: raw.length / 4 }, (_, i) => raw.readFloatLE(i * 4));
}
export function readRawInt64(raw: Buffer): number[] {
  return Array.from({ length: raw.length / 8 }, (_, i) => Number(raw.readBigInt64LE(i * 8)));
}

export function output(response: InferResponse, name: string): Tensor {
  const found = response.outputs.find((o) => o.name === name);
  if (!found) throw new Error(`no output ${name}`);
  return found;
}
export function rawOutput(response: InferResponse, name: string): Buffer {
  const index = response.outputs.findIndex((o) => o.name === name);
  const raw = response.raw_output_contents[index];
  if (!raw) throw new Error(`no raw output ${name}`);
  return raw;
}

export const TEXTS = ['What a wonderful, happy day!', 'This is awful and I hate it.'];
export const FEATURES = [
  [0.5, -1.25, 3],
  [2, 0, -0.75],
];
