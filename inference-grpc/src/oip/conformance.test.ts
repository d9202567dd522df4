/**
 * Open Inference Protocol v2 conformance of inference-grpc, driven by a
 * generic client built from proto/open_inference.proto alone (wire field
 * names, no project types or code): what any OIP client (Triton's, KServe's)
 * would see. Only the server is started through the test helper.
 * Refusals and failures are in conformance-errors.test.ts.
 */
import { startInference } from '../../../test/helpers/inference';
import type { InferenceFixture } from '../../../test/helpers/inference';
import {
  FEATURES,
  TEXTS,
  call,
  oipClient,
  output,
  rawBytes,
  rawFp32,
  rawOutput,
  readRawBytes,
  readRawFp32,
  readRawInt64,
} from './oip-client.test-helpers';
import type { InferResponse, MetadataResponse, Oip } from './oip-client.test-helpers';

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
    expect(meta.extensions).toEqual(['statistics', 'model_repository']);
  });

  it.each([
    [
      'sentiment',
      [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
      [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'score', datatype: 'FP32', shape: [-1] },
        { name: 'confidence', datatype: 'FP32', shape: [-1] },
      ],
    ],
    [
      'numeric',
      [{ name: 'features', datatype: 'FP32', shape: [-1, -1] }],
      [
        { name: 'class_id', datatype: 'INT64', shape: [-1] },
        { name: 'probability', datatype: 'FP32', shape: [-1] },
        { name: 'label', datatype: 'BYTES', shape: [-1] },
      ],
    ],
  ])('describes %s and each of its versions, every one ready', async (name, inputs, outputs) => {
    const versions = name === 'sentiment' ? ['1', '2', '3'] : ['1', '2'];
    for (const version of ['', ...versions]) {
      expect(await call(client, 'ModelReady', { name, version })).toEqual({ ready: true });
      const meta = await call<MetadataResponse>(client, 'ModelMetadata', { name, version });
      expect(meta).toMatchObject({ name, versions, inputs, outputs });
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
});
