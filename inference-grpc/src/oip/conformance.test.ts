/**
 * Open Inference Protocol v2 conformance of inference-grpc, driven by a
 * generic client built from proto/open_inference.proto alone (wire field
 * names, no project types or code): what any OIP client (Triton's, KServe's)
 * would see. Only the server is started through the test helper.
 */
import { credentials, loadPackageDefinition, status } from '@grpc/grpc-js';
import type { GrpcObject, ServiceClientConstructor, ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import path from 'node:path';

import { tokenInterceptors } from '../../../lib/grpc/security';
import { startInference } from '../../../test/helpers/inference';
import type { InferenceFixture } from '../../../test/helpers/inference';

const PROTO = path.join(__dirname, '..', '..', '..', 'proto', 'open_inference.proto');

interface Contents {
  int64_contents?: number[];
  fp32_contents?: number[];
  bytes_contents?: Buffer[];
}
interface Tensor {
  name: string;
  datatype: string;
  shape: number[];
  contents?: Contents | null;
}
interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: Tensor[];
  raw_output_contents: Buffer[];
}
interface MetadataResponse {
  name: string;
  versions: string[];
  platform: string;
  inputs: Tensor[];
  outputs: Tensor[];
}

type Callback = (err: ServiceError | null, value?: unknown) => void;
type Oip = Record<string, (request: object, options: object, callback: Callback) => void> & { close(): void };

function oipClient(f: InferenceFixture): Oip {
  const definition = loadSync(PROTO, { keepCase: true, longs: Number, defaults: true });
  const pkg = loadPackageDefinition(definition).inference as GrpcObject;
  const Client = pkg.GRPCInferenceService as ServiceClientConstructor;
  return new Client(f.address, credentials.createInsecure(), { interceptors: tokenInterceptors(f.security) }) as unknown as Oip;
}

function call<T>(client: Oip, method: string, request: object = {}, options: { deadline?: number } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const rpc = client[method];
    if (!rpc) throw new Error(`no method ${method}`);
    rpc.call(client, request, options, (err: ServiceError | null, value?: unknown) => (err ? reject(err) : resolve(value as T)));
  });
}

async function failed(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as ServiceError;
    return { code: e.code, details: e.details };
  }
  throw new Error('expected the call to fail, but it answered');
}

/** BYTES elements, raw: each a 4-byte little-endian length, then its bytes. */
function rawBytes(texts: string[]): Buffer {
  return Buffer.concat(
    texts.flatMap((t) => {
      const bytes = Buffer.from(t, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}
function readRawBytes(raw: Buffer): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < raw.length; ) {
    const length = raw.readUInt32LE(offset);
    out.push(raw.subarray(offset + 4, offset + 4 + length).toString('utf8'));
    offset += 4 + length;
  }
  return out;
}
function rawFp32(values: number[]): Buffer {
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => raw.writeFloatLE(v, i * 4));
  return raw;
}
function readRawFp32(raw: Buffer): number[] {
  return Array.from({ length: raw.length / 4 }, (_, i) => raw.readFloatLE(i * 4));
}
function readRawInt64(raw: Buffer): number[] {
  return Array.from({ length: raw.length / 8 }, (_, i) => Number(raw.readBigInt64LE(i * 8)));
}

function output(response: InferResponse, name: string): Tensor {
  const found = response.outputs.find((o) => o.name === name);
  if (!found) throw new Error(`no output ${name}`);
  return found;
}
function rawOutput(response: InferResponse, name: string): Buffer {
  const index = response.outputs.findIndex((o) => o.name === name);
  const raw = response.raw_output_contents[index];
  if (!raw) throw new Error(`no raw output ${name}`);
  return raw;
}

const TEXTS = ['What a wonderful, happy day!', 'This is awful and I hate it.'];
const FEATURES = [
  [0.5, -1.25, 3],
  [2, 0, -0.75],
];

describe('Open Inference Protocol v2 on inference-grpc', () => {
  let f: InferenceFixture;
  let client: Oip;
  beforeAll(async () => {
    f = await startInference({ MAX_BATCH_ITEMS: '8' });
    client = oipClient(f);
  });
  afterAll(async () => {
    client.close();
    await f.close();
  });

  it('is live and ready, and says who it is', async () => {
    expect(await call(client, 'ServerLive')).toEqual({ live: true });
    expect(await call(client, 'ServerReady')).toEqual({ ready: true });
    const meta = await call<{ name: string; version: string; extensions: string[] }>(client, 'ServerMetadata');
    expect(meta.name).toBe('infergraph');
    expect(meta.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(meta.extensions).toEqual([]);
  });

  it.each([
    ['sentiment', [{ name: 'text', datatype: 'BYTES', shape: [-1] }], [
      { name: 'label', datatype: 'BYTES', shape: [-1] },
      { name: 'score', datatype: 'FP32', shape: [-1] },
      { name: 'confidence', datatype: 'FP32', shape: [-1] },
    ]],
    ['numeric', [{ name: 'features', datatype: 'FP32', shape: [-1, -1] }], [
      { name: 'class_id', datatype: 'INT64', shape: [-1] },
      { name: 'probability', datatype: 'FP32', shape: [-1] },
      { name: 'label', datatype: 'BYTES', shape: [-1] },
    ]],
  ])('describes %s and each of its versions, every one ready', async (name, inputs, outputs) => {
    for (const version of ['', '1', '2']) {
      expect(await call(client, 'ModelReady', { name, version })).toEqual({ ready: true });
      const meta = await call<MetadataResponse>(client, 'ModelMetadata', { name, version });
      expect(meta).toMatchObject({ name, versions: ['1', '2'], inputs, outputs });
      expect(meta.platform).not.toBe('');
    }
  });

  it('infers sentiment from typed contents, with the default version when none is named, echoing the id', async () => {
    const response = await call<InferResponse>(client, 'ModelInfer', {
      model_name: 'sentiment',
      id: 'req-typed',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], contents: { bytes_contents: TEXTS.map((t) => Buffer.from(t)) } }],
    });
    expect(response).toMatchObject({ model_name: 'sentiment', model_version: '1', id: 'req-typed', raw_output_contents: [] });
    expect(response.outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
      ['label', 'BYTES', [2]],
      ['score', 'FP32', [2]],
      ['confidence', 'FP32', [2]],
    ]);
    expect(output(response, 'label').contents?.bytes_contents?.map(String)).toEqual(['POSITIVE', 'NEGATIVE']);
    const [positive, negative] = output(response, 'score').contents?.fp32_contents ?? [];
    expect(positive).toBeGreaterThan(0);
    expect(negative).toBeLessThan(0);
    for (const c of output(response, 'confidence').contents?.fp32_contents ?? []) expect(c).toBeGreaterThan(0);
  });

  it('infers sentiment from raw_input_contents and answers in raw_output_contents, the same as typed', async () => {
    const typed = await call<InferResponse>(client, 'ModelInfer', {
      model_name: 'sentiment',
      model_version: '2',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], contents: { bytes_contents: TEXTS.map((t) => Buffer.from(t)) } }],
    });
    const raw = await call<InferResponse>(client, 'ModelInfer', {
      model_name: 'sentiment',
      model_version: '2',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [2] }],
      raw_input_contents: [rawBytes(TEXTS)],
    });
    expect(raw.model_version).toBe('2');
    expect(raw.outputs.every((o) => !o.contents)).toBe(true);
    expect(readRawBytes(rawOutput(raw, 'label'))).toEqual(['POSITIVE', 'NEGATIVE']);
    expect(readRawFp32(rawOutput(raw, 'score'))).toEqual(output(typed, 'score').contents?.fp32_contents);
    expect(readRawFp32(rawOutput(raw, 'confidence'))).toEqual(output(typed, 'confidence').contents?.fp32_contents);
  });

  it('infers numeric from typed and raw FP32 features of shape [batch, n], alike', async () => {
    const typed = await call<InferResponse>(client, 'ModelInfer', {
      model_name: 'numeric',
      model_version: '2',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 3], contents: { fp32_contents: FEATURES.flat() } }],
    });
    expect(typed).toMatchObject({ model_name: 'numeric', model_version: '2' });
    const classes = output(typed, 'class_id').contents?.int64_contents ?? [];
    const probabilities = output(typed, 'probability').contents?.fp32_contents ?? [];
    expect(output(typed, 'class_id')).toMatchObject({ datatype: 'INT64', shape: [2] });
    expect(classes).toHaveLength(2);
    for (const c of classes) expect([0, 1, 2]).toContain(c);
    for (const p of probabilities) expect(p > 0 && p <= 1).toBe(true);

    const raw = await call<InferResponse>(client, 'ModelInfer', {
      model_name: 'numeric',
      model_version: '2',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 3] }],
      raw_input_contents: [rawFp32(FEATURES.flat())],
    });
    expect(readRawInt64(rawOutput(raw, 'class_id'))).toEqual(classes);
    expect(readRawFp32(rawOutput(raw, 'probability'))).toEqual(probabilities);
  });

  it('answers only the outputs a request asks for, in its order', async () => {
    const response = await call<InferResponse>(client, 'ModelInfer', {
      model_name: 'numeric',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 2], contents: { fp32_contents: [1, 2] } }],
      outputs: [{ name: 'probability' }, { name: 'class_id' }],
    });
    expect(response.outputs.map((o) => o.name)).toEqual(['probability', 'class_id']);
  });

  it.each([
    ['a wrong datatype', 'sentiment', [{ name: 'text', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } }], 'text'],
    ['a wrong rank', 'sentiment', [{ name: 'text', datatype: 'BYTES', shape: [1, 1], contents: { bytes_contents: [Buffer.from('hi')] } }], 'text'],
    ['a shape its contents do not fill', 'sentiment', [{ name: 'text', datatype: 'BYTES', shape: [3], contents: { bytes_contents: [Buffer.from('hi')] } }], 'text'],
    ['features without a batch dimension', 'numeric', [{ name: 'features', datatype: 'FP32', shape: [3], contents: { fp32_contents: [1, 2, 3] } }], 'features'],
    ['INT64 features', 'numeric', [{ name: 'features', datatype: 'INT64', shape: [1, 1], contents: { int64_contents: [1] } }], 'features'],
    ['an input the model does not have', 'numeric', [{ name: 'pixels', datatype: 'FP32', shape: [1, 1], contents: { fp32_contents: [1] } }], 'pixels'],
    ['text for the numeric model', 'numeric', [{ name: 'text', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from('hi')] } }], 'text'],
  ])('answers INVALID_ARGUMENT naming the tensor for %s', async (_case, model, inputs, tensor) => {
    const error = await failed(call(client, 'ModelInfer', { model_name: model, inputs }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(new RegExp(`\\b${tensor}\\b`));
  });

  // The server runs with MAX_BATCH_ITEMS 8 and the default MAX_FEATURES 1024.
  it.each([
    ['a batch of 100000000 rows of 0 features', 'numeric', { inputs: [{ name: 'features', datatype: 'FP32', shape: [100_000_000, 0] }] }, 'features', /batch of 100000000 elements; at most 8 .*MAX_BATCH_ITEMS/],
    ['a batch of 9 rows of 0 features', 'numeric', { inputs: [{ name: 'features', datatype: 'FP32', shape: [9, 0] }] }, 'features', /MAX_BATCH_ITEMS/],
    ['rows of 0 features', 'numeric', { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 0] }] }, 'features', /rows of 0 features/],
    ['rows of 2000 features', 'numeric', { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 2000] }] }, 'features', /at most 1024 .*MAX_FEATURES/],
    ['a huge dimension with no contents', 'sentiment', { inputs: [{ name: 'text', datatype: 'BYTES', shape: [Number.MAX_SAFE_INTEGER] }] }, 'text', /MAX_BATCH_ITEMS/],
    ['an empty batch', 'sentiment', { inputs: [{ name: 'text', datatype: 'BYTES', shape: [0] }], raw_input_contents: [Buffer.alloc(0)] }, 'text', /empty batch/],
    ['9 raw BYTES elements, more than MAX_BATCH_ITEMS', 'sentiment', { inputs: [{ name: 'text', datatype: 'BYTES', shape: [9] }], raw_input_contents: [rawBytes(Array.from({ length: 9 }, () => ''))] }, 'text', /at most 8 .*MAX_BATCH_ITEMS/],
    ['50000 raw BYTES elements for a shape of 2', 'sentiment', { inputs: [{ name: 'text', datatype: 'BYTES', shape: [2] }], raw_input_contents: [rawBytes(Array.from({ length: 50_000 }, () => ''))] }, 'text', /more than 2 raw BYTES elements/],
    ['raw BYTES cut short in a length', 'sentiment', { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }], raw_input_contents: [Buffer.from([3, 0])] }, 'text', /cut short/],
    ['raw BYTES cut short in an element', 'sentiment', { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }], raw_input_contents: [rawBytes(['abc']).subarray(0, 5)] }, 'text', /says 3 bytes but 1 remain/],
    ['a NaN feature', 'numeric', { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 2], contents: { fp32_contents: [1, Number.NaN] } }] }, 'features', /element 0, feature 1 is NaN/],
    ['an Infinity feature, raw', 'numeric', { inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 1] }], raw_input_contents: [rawFp32([1, Number.POSITIVE_INFINITY])] }, 'features', /element 1, feature 0 is Infinity/],
  ])('answers INVALID_ARGUMENT naming the tensor for %s', async (_case, model, request, tensor, says) => {
    const error = await failed(call(client, 'ModelInfer', { model_name: model, ...request }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(new RegExp(`^input tensor ${tensor}\\b`));
    expect(error.details).toMatch(says);
  });

  it('answers INVALID_ARGUMENT for raw contents that do not match the shape', async () => {
    const error = await failed(
      call(client, 'ModelInfer', {
        model_name: 'numeric',
        inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 3] }],
        raw_input_contents: [rawFp32([1, 2])],
      }),
    );
    expect(error).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('features') });
  });

  it('refuses a whole request when one element is bad, naming the tensor and element', async () => {
    const error = await failed(
      call(client, 'ModelInfer', {
        model_name: 'sentiment',
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], contents: { bytes_contents: [Buffer.from('fine'), Buffer.from('   ')] } }],
      }),
    );
    expect(error).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('input tensor text, element 1: text is empty') });
  });

  it('holds a request with a hanging element (simulate-timeout) until the caller\'s deadline, as any server would', async () => {
    const started = Date.now();
    const error = await failed(
      call(
        client,
        'ModelInfer',
        { model_name: 'sentiment', inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], contents: { bytes_contents: [Buffer.from('good'), Buffer.from('simulate-timeout')] } }] },
        { deadline: started + 800 },
      ),
    );
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeGreaterThanOrEqual(750);
  });

  it('answers NOT_FOUND for an unknown model or version, on every model call', async () => {
    for (const [method, request] of [
      ['ModelInfer', { model_name: 'nope', inputs: [] }],
      ['ModelReady', { name: 'nope' }],
      ['ModelMetadata', { name: 'nope' }],
    ] as const) {
      expect(await failed(call(client, method, request))).toMatchObject({ code: status.NOT_FOUND, details: expect.stringContaining('"nope"') });
    }
    for (const [method, request] of [
      ['ModelInfer', { model_name: 'numeric', model_version: '9', inputs: [] }],
      ['ModelReady', { name: 'numeric', version: '9' }],
      ['ModelMetadata', { name: 'numeric', version: '9' }],
    ] as const) {
      expect(await failed(call(client, method, request))).toMatchObject({
        code: status.NOT_FOUND,
        details: 'model numeric has no version "9"; versions are 1, 2',
      });
    }
  });
});

describe('Open Inference Protocol v2 when a version cannot load', () => {
  it('answers UNAVAILABLE for inference and ModelReady false once its load failed', async () => {
    const f = await startInference({ SIMULATE_LOAD_FAILURE: 'numeric:v2' });
    const client = oipClient(f);
    try {
      const infer = { model_name: 'numeric', model_version: '2', inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 1], contents: { fp32_contents: [1] } }] };
      expect((await failed(call(client, 'ModelInfer', infer))).code).toBe(status.UNAVAILABLE);
      expect(await call(client, 'ModelReady', { name: 'numeric', version: '2' })).toEqual({ ready: false });
      expect(await call(client, 'ModelReady', { name: 'numeric', version: '1' })).toEqual({ ready: true });
    } finally {
      client.close();
      await f.close();
    }
  });
});
