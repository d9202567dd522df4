/**
 * Open Inference Protocol v2 conformance of inference-grpc when a request
 * cannot be answered: malformed tensors, limits, a bad or hanging element,
 * unknown models and versions, a version that cannot load.
 */
import { status } from '@grpc/grpc-js';

import { startInference } from '../../../test/helpers/inference';
import type { InferenceFixture } from '../../../test/helpers/inference';
import { call, failed, oipClient, rawBytes, rawFp32 } from './oip-client.test-helpers';
import type { Oip } from './oip-client.test-helpers';

describe('Open Inference Protocol v2 on inference-grpc, refusing', () => {
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

  it.each([
    ['a wrong datatype', 'sentiment', [{ name: 'text', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } }], 'text'],
    [
      'a wrong rank',
      'sentiment',
      [{ name: 'text', datatype: 'BYTES', shape: [1, 1], contents: { bytes_contents: [Buffer.from('hi')] } }],
      'text',
    ],
    [
      'a shape its contents do not fill',
      'sentiment',
      [{ name: 'text', datatype: 'BYTES', shape: [3], contents: { bytes_contents: [Buffer.from('hi')] } }],
      'text',
    ],
    [
      'features without a batch dimension',
      'numeric',
      [{ name: 'features', datatype: 'FP32', shape: [3], contents: { fp32_contents: [1, 2, 3] } }],
      'features',
    ],
    ['INT64 features', 'numeric', [{ name: 'features', datatype: 'INT64', shape: [1, 1], contents: { int64_contents: [1] } }], 'features'],
    [
      'an input the model does not have',
      'numeric',
      [{ name: 'pixels', datatype: 'FP32', shape: [1, 1], contents: { fp32_contents: [1] } }],
      'pixels',
    ],
    [
      'text for the numeric model',
      'numeric',
      [{ name: 'text', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from('hi')] } }],
      'text',
    ],
  ])('answers INVALID_ARGUMENT naming the tensor for %s', async (_case, model, inputs, tensor) => {
    const error = await failed(call(client, 'ModelInfer', { model_name: model, inputs }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(new RegExp(`\\b${tensor}\\b`));
  });

  // The server runs with MAX_BATCH_ITEMS 8 and the default MAX_FEATURES 1024.
  it.each([
    [
      'a batch of 100000000 rows of 0 features',
      'numeric',
      { inputs: [{ name: 'features', datatype: 'FP32', shape: [100_000_000, 0] }] },
      'features',
      /batch of 100000000 elements; at most 8 .*MAX_BATCH_ITEMS/,
    ],
    [
      'a batch of 9 rows of 0 features',
      'numeric',
      { inputs: [{ name: 'features', datatype: 'FP32', shape: [9, 0] }] },
      'features',
      /MAX_BATCH_ITEMS/,
    ],
    [
      'rows of 0 features',
      'numeric',
      { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 0] }] },
      'features',
      /rows of 0 features/,
    ],
    [
      'rows of 2000 features',
      'numeric',
      { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 2000] }] },
      'features',
      /at most 1024 .*MAX_FEATURES/,
    ],
    [
      'a huge dimension with no contents',
      'sentiment',
      { inputs: [{ name: 'text', datatype: 'BYTES', shape: [Number.MAX_SAFE_INTEGER] }] },
      'text',
      /MAX_BATCH_ITEMS/,
    ],
    [
      'an empty batch',
      'sentiment',
      { inputs: [{ name: 'text', datatype: 'BYTES', shape: [0] }], raw_input_contents: [Buffer.alloc(0)] },
      'text',
      /empty batch/,
    ],
    [
      '9 raw BYTES elements, more than MAX_BATCH_ITEMS',
      'sentiment',
      { inputs: [{ name: 'text', datatype: 'BYTES', shape: [9] }], raw_input_contents: [rawBytes(Array.from({ length: 9 }, () => ''))] },
      'text',
      /at most 8 .*MAX_BATCH_ITEMS/,
    ],
    [
      '50000 raw BYTES elements for a shape of 2',
      'sentiment',
      {
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [2] }],
        raw_input_contents: [rawBytes(Array.from({ length: 50_000 }, () => ''))],
      },
      'text',
      /more than 2 raw BYTES elements/,
    ],
    [
      'raw BYTES cut short in a length',
      'sentiment',
      { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }], raw_input_contents: [Buffer.from([3, 0])] },
      'text',
      /cut short/,
    ],
    [
      'raw BYTES cut short in an element',
      'sentiment',
      { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }], raw_input_contents: [rawBytes(['abc']).subarray(0, 5)] },
      'text',
      /says 3 bytes but 1 remain/,
    ],
    [
      'a NaN feature',
      'numeric',
      { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 2], contents: { fp32_contents: [1, Number.NaN] } }] },
      'features',
      /element 0, feature 1 is NaN/,
    ],
    [
      'an Infinity feature, raw',
      'numeric',
      { inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 1] }], raw_input_contents: [rawFp32([1, Number.POSITIVE_INFINITY])] },
      'features',
      /element 1, feature 0 is Infinity/,
    ],
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
    expect(error).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('input tensor text, element 1: text is empty'),
    });
  });

  it("holds a request with a hanging element (simulate-timeout) until the caller's deadline, as any server would", async () => {
    const started = Date.now();
    const error = await failed(
      call(
        client,
        'ModelInfer',
        {
          model_name: 'sentiment',
          inputs: [
            {
              name: 'text',
              datatype: 'BYTES',
              shape: [2],
              contents: { bytes_contents: [Buffer.from('good'), Buffer.from('simulate-timeout')] },
            },
          ],
        },
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
      expect(await failed(call(client, method, request))).toMatchObject({
        code: status.NOT_FOUND,
        details: expect.stringContaining('"nope"'),
      });
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
      const infer = {
        model_name: 'numeric',
        model_version: '2',
        inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 1], contents: { fp32_contents: [1] } }],
      };
      expect((await failed(call(client, 'ModelInfer', infer))).code).toBe(status.UNAVAILABLE);
      expect(await call(client, 'ModelReady', { name: 'numeric', version: '2' })).toEqual({ ready: false });
      expect(await call(client, 'ModelReady', { name: 'numeric', version: '1' })).toEqual({ ready: true });
    } finally {
      client.close();
      await f.close();
    }
  });
});
