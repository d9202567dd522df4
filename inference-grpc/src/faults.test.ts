/** The fault hooks through the gRPC port: FAULT_HOOKS (simulate-timeout, simulate-error), SIMULATE_LOAD_FAILURE, and a version that fails to load. */
import { status } from '@grpc/grpc-js';

import { failure, startInference } from '../../test/helpers/inference';
import type { InferenceFixture } from '../../test/helpers/inference';
import { metricValue } from '../../stack/prometheus';
import { withFaultHooks } from './faults';
import { features, getModel, metricsText, predictBatch, text } from './server.test-helpers';

describe('FAULT_HOOKS on', () => {
  let f: InferenceFixture;
  beforeAll(async () => {
    // Loaded (and warmed up) before the test: a first-use load must not decide which call answers first.
    f = await startInference({ BATCH_MAX_DELAY_MS: '20', LOAD_ALL_MODELS: 'true' });
  });
  afterAll(() => f.close());

  it('simulate-timeout answers DEADLINE_EXCEEDED at the deadline while other calls to the version answer', async () => {
    const order: string[] = [];
    const started = Date.now();
    const timedOut = failure(f.predict('sentiment', text('simulate-timeout'), { deadlineMs: 300 })).then((r) => {
      order.push('timeout');
      return r;
    });
    const other = f.predict('sentiment', text('good')).then(() => order.push('other'));
    const [result] = await Promise.all([timedOut, other]);
    expect(result.grpc).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(order).toEqual(['other', 'timeout']);
    // A PredictBatch answers once every item is done: a hanging item holds the call to its deadline.
    const batchStarted = Date.now();
    expect(await failure(predictBatch(f, 'sentiment', [text('simulate-timeout'), text('good')], '', 300))).toMatchObject({
      grpc: status.DEADLINE_EXCEEDED,
    });
    expect(Date.now() - batchStarted).toBeGreaterThanOrEqual(290);
    // Alone in a PredictBatch it sleeps past the deadline.
    expect(await failure(predictBatch(f, 'sentiment', [text('simulate-timeout')], '', 200))).toMatchObject({
      grpc: status.DEADLINE_EXCEEDED,
    });
    await expect(f.predict('sentiment', text('fine'))).resolves.toBeDefined();
  });

  it('simulate-error fails with INTERNAL / INFERENCE_FAILED and the other items of a batch still answer', async () => {
    expect(await failure(f.predict('sentiment', text('simulate-error')))).toEqual({
      grpc: status.INTERNAL,
      code: 'INFERENCE_FAILED',
      message: 'sentiment:v1 failed on purpose: the input was "simulate-error"',
    });
    const res = await predictBatch(f, 'sentiment', [text('simulate-error'), text('nice')]);
    expect(res.items.map((i) => i.result)).toEqual(['error', 'prediction']);
  });
});

describe('a model version that fails to load', () => {
  it('is reported as FAILED and not reloaded on every call', async () => {
    let loads = 0;
    const f = await startInference({ MODEL_LOAD_RETRY_MS: '60000', DEFAULT_MODEL_VERSIONS: 'broken:v1' }, [
      {
        name: 'broken',
        description: 'always fails to load',
        inputKind: 'TEXT',
        defaultVersion: 'v1',
        canary: undefined,
        versions: [
          {
            version: 'v1',
            description: 'missing weights',
            load: () => {
              loads += 1;
              return Promise.reject(new Error('weights file not found'));
            },
          },
        ],
      },
    ]);
    try {
      const first = await failure(f.predict('broken', text('x')));
      expect(first).toEqual({
        grpc: status.UNAVAILABLE,
        code: 'INFERENCE_UNAVAILABLE',
        message: 'broken:v1 failed to load (weights file not found)',
      });
      const again = await failure(f.predict('broken', text('x')));
      expect(again.message).toMatch(/^broken:v1 failed to load \(weights file not found\); next attempt in \d+ s$/);
      expect(loads).toBe(1);
      expect((await getModel(f, 'broken')).versions[0]).toMatchObject({
        state: 'FAILED',
        loaded: false,
        loadError: 'weights file not found',
      });
      expect(metricValue(await metricsText(f), 'infergraph_model_version_loaded', { model: 'broken', version: 'v1' })).toBe(0);
    } finally {
      await f.close();
    }
  });
});

describe('FAULT_HOOKS off (the default, as in the image)', () => {
  it('answers simulate-timeout and simulate-error as ordinary text', async () => {
    const f = await startInference({ FAULT_HOOKS: 'false' });
    try {
      // Hooked, simulate-timeout would fail with DEADLINE_EXCEEDED and simulate-error with INTERNAL.
      const [timeout, error] = await Promise.all([
        f.predict('sentiment', text('simulate-timeout'), { deadlineMs: 2000 }),
        f.predict('sentiment', text('simulate-error')),
      ]);
      expect(timeout.prediction).toMatchObject({ model: 'sentiment', modelVersion: 'v1', sentiment: { label: 'NEUTRAL' } });
      expect(error.prediction).toMatchObject({ model: 'sentiment', modelVersion: 'v1', sentiment: { label: 'NEUTRAL' } });
      const batch = await predictBatch(f, 'sentiment', [text('simulate-error'), text('simulate-timeout')], '', 2000);
      expect(batch.items.map((i) => i.result)).toEqual(['prediction', 'prediction']);
    } finally {
      await f.close();
    }
  });
});

describe('SIMULATE_LOAD_FAILURE', () => {
  it('makes the named versions fail to load and leaves the others serving', async () => {
    const f = await startInference({ SIMULATE_LOAD_FAILURE: 'numeric:v2' });
    try {
      expect(await failure(f.predict('numeric', features([1]), { version: 'v2' }))).toEqual({
        grpc: status.UNAVAILABLE,
        code: 'INFERENCE_UNAVAILABLE',
        message: 'numeric:v2 failed to load (simulated load failure (SIMULATE_LOAD_FAILURE))',
      });
      await expect(f.predict('numeric', features([1]), { version: 'v1' })).resolves.toBeDefined();
    } finally {
      await f.close();
    }
  });
});

describe('withFaultHooks around a version queue', () => {
  const seen: string[] = [];
  const queue = withFaultHooks(
    {
      submit: (input) => {
        seen.push(input.kind === 'text' ? input.text : 'features');
        return Promise.resolve({ output: { kind: 'sentiment', label: 'NEUTRAL', score: 0, confidence: 1 }, batchSize: 1 });
      },
    },
    'sentiment:v1',
  );

  it('keeps a hanging input out of the queue, and ends its sleep when the call goes away', async () => {
    const gone = new AbortController();
    const started = Date.now();
    const hung = queue.submit({ kind: 'text', text: 'simulate-timeout' }, { deadline: Date.now() + 60_000, signal: gone.signal });
    gone.abort();
    await expect(hung).rejects.toMatchObject({ code: 'INFERENCE_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(queue.submit({ kind: 'text', text: ' simulate-error ' }, { deadline: Infinity })).rejects.toMatchObject({
      code: 'INFERENCE_FAILED',
    });
    await expect(queue.submit({ kind: 'text', text: 'fine' }, { deadline: Infinity })).resolves.toMatchObject({ batchSize: 1 });
    expect(seen).toEqual(['fine']);
  });
});
