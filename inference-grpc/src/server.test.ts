import { Client, Metadata, credentials, status } from '@grpc/grpc-js';
import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';

import type { ModelEvent__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import type { ModelInfo__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import type { ListModelsResponse__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ListModelsResponse';
import type { PredictBatchResponse__Output } from '../../lib/grpc/generated/infergraph/inference/v1/PredictBatchResponse';
import type { PredictInput } from '../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import { tokenInterceptors } from '../../lib/grpc/security';
import { unary } from '../../lib/grpc/unary';
import { healthClient } from '../../test/helpers/health';
import { listServices } from '../../test/helpers/reflection';
import { failure, setPolicy, startInference } from '../../test/helpers/inference';
import { metricValue } from '../../stack/prometheus';
import type { InferenceFixture } from '../../test/helpers/inference';
import { until } from '../../lib/until';

const text = (t: string): PredictInput => ({ text: t });
const features = (values: number[]): PredictInput => ({ features: { values } });

function listModels(f: InferenceFixture): Promise<ListModelsResponse__Output> {
  return unary((cb) => f.client.ListModels({}, cb));
}
function getModel(f: InferenceFixture, name: string): Promise<ModelInfo__Output> {
  return unary((cb) => f.client.GetModel({ name }, cb));
}
function predictBatch(f: InferenceFixture, model: string, inputs: PredictInput[], version = '', deadlineMs = 5000): Promise<PredictBatchResponse__Output> {
  return unary((cb) => f.client.PredictBatch({ model, version, inputs }, new Metadata(), { deadline: Date.now() + deadlineMs }, cb));
}
async function metricsText(f: InferenceFixture): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${f.server.metricsPort}/metrics`);
  return res.text();
}

describe('inference-grpc over a real channel', () => {
  let f: InferenceFixture;
  beforeAll(async () => {
    f = await startInference({ MAX_TEXT_LENGTH: '40', MAX_FEATURES: '4', MAX_BATCH_ITEMS: '5', BATCH_MAX_DELAY_MS: '20' });
  });
  afterAll(() => f.close());

  it('lists both models with their versions, defaults and nothing loaded before first use', async () => {
    const { models } = await listModels(f);
    expect(models.map((m) => m.name)).toEqual(['sentiment', 'numeric']);
    const numeric = models.find((m) => m.name === 'numeric');
    expect(numeric).toMatchObject({ inputKind: 'FEATURES', defaultVersion: 'v1', canary: null });
    expect(numeric?.versions.map((v) => [v.version, v.state, v.loaded, v.default])).toEqual([
      ['v1', 'UNLOADED', false, true],
      ['v2', 'UNLOADED', false, false],
    ]);
  });

  it('answers sentiment with the default version, loading it on first use', async () => {
    const before = Date.now();
    const { prediction } = await f.predict('sentiment', text('I love this, it is great!'));
    expect(prediction).toMatchObject({ model: 'sentiment', modelVersion: 'v1', output: 'sentiment', sentiment: { label: 'POSITIVE' } });
    expect(prediction?.sentiment?.score).toBeGreaterThan(0);
    expect(prediction?.sentiment?.confidence).toBeGreaterThan(0.5);
    const model = await getModel(f, 'sentiment');
    const v1 = model.versions.find((v) => v.version === 'v1');
    expect(v1).toMatchObject({ state: 'LOADED', loaded: true });
    expect(Date.parse(v1?.loadedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(model.versions.find((v) => v.version === 'v2')).toMatchObject({ state: 'UNLOADED', loadedAt: '' });
  });

  it('answers an explicit version, and both versions read sentiment', async () => {
    const v2 = await f.predict('sentiment', text('This is terrible and sad.'), { version: 'v2' });
    expect(v2.prediction).toMatchObject({ modelVersion: 'v2', sentiment: { label: 'NEGATIVE' } });
    const neutral = await f.predict('sentiment', text('The table is brown.'), { version: 'v2' });
    expect(neutral.prediction?.sentiment?.label).toBe('NEUTRAL');
  });

  it('classifies features deterministically per version, and the versions differ', async () => {
    const inputs = [[0.1, 0.2], [3, -1, 2], [-5, 4], [0.5], [1, 1, 1, 1], [-2, -2]];
    const run = (version: string) =>
      Promise.all(inputs.map((v) => f.predict('numeric', features(v), { version }).then((r) => r.prediction?.numeric)));
    const [v1, v1again, v2] = [await run('v1'), await run('v1'), await run('v2')];
    expect(v1again).toEqual(v1);
    for (const out of v1) {
      expect(out?.probability).toBeGreaterThan(1 / 3);
      expect(out?.probability).toBeLessThanOrEqual(1);
      expect(['low', 'medium', 'high'][out?.classId ?? -1]).toBe(out?.label);
    }
    expect(v2).not.toEqual(v1);
  });

  it('merges concurrent calls for one version into one batch', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map((x) => f.predict('numeric', features([x]))));
    // Four calls sent at once; on a loaded machine the last may miss the 20 ms window.
    expect(Math.max(...answers.map((a) => a.prediction?.batchSize ?? 0))).toBeGreaterThanOrEqual(3);
  });

  it('answers PredictBatch item by item: bad items are errors, the others answer', async () => {
    const res = await predictBatch(f, 'numeric', [features([1, 2]), features([Number.NaN]), features([]), features([3])], 'v2');
    expect(res.modelVersion).toBe('v2');
    expect(res.items.map((i) => i.result)).toEqual(['prediction', 'error', 'error', 'prediction']);
    expect(res.items[1]?.error).toMatchObject({ grpcCode: status.INVALID_ARGUMENT, code: 'BAD_USER_INPUT', message: expect.stringContaining('features[0] is NaN') });
    expect(res.items[0]?.prediction?.numeric).toEqual((await f.predict('numeric', features([1, 2]), { version: 'v2' })).prediction?.numeric);
  });

  it('bounds PredictBatch at MAX_BATCH_ITEMS', async () => {
    await expect(predictBatch(f, 'sentiment', Array.from({ length: 5 }, () => text('ok')))).resolves.toMatchObject({ items: expect.any(Array) });
    expect(await failure(predictBatch(f, 'sentiment', Array.from({ length: 6 }, () => text('ok'))))).toMatchObject({
      grpc: status.INVALID_ARGUMENT,
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('at most 5'),
    });
  });

  it.each([
    ['missing input', 'sentiment', {}, 'input is missing; model sentiment takes text'],
    ['empty text', 'sentiment', text('   '), 'text is empty'],
    ['text over MAX_TEXT_LENGTH', 'sentiment', text('x'.repeat(41)), 'text has 41 characters; at most 40'],
    ['features to the text model', 'sentiment', features([1]), 'model sentiment takes text, not features'],
    ['text to the numeric model', 'numeric', text('hello'), 'model numeric takes features, not text'],
    ['empty features', 'numeric', features([]), 'features is empty'],
    ['features over MAX_FEATURES', 'numeric', features([1, 2, 3, 4, 5]), 'features has 5 values; at most 4'],
    ['a NaN feature', 'numeric', features([1, Number.NaN]), 'features[1] is NaN'],
    ['an infinite feature', 'numeric', features([Number.POSITIVE_INFINITY]), 'features[0] is Infinity'],
  ])('rejects %s with INVALID_ARGUMENT / BAD_USER_INPUT', async (_name, model, input, message) => {
    expect(await failure(f.predict(model, input))).toEqual({ grpc: status.INVALID_ARGUMENT, code: 'BAD_USER_INPUT', message: expect.stringContaining(message) });
  });

  it('accepts inputs exactly at the limits, counting characters not UTF-16 units', async () => {
    await expect(f.predict('sentiment', text('😀'.repeat(40)))).resolves.toBeDefined();
    await expect(f.predict('numeric', features([1, 2, 3, 4]))).resolves.toBeDefined();
  });

  it('survives bytes that are not a valid request, and keeps serving', async () => {
    const raw = new Client(f.address, credentials.createInsecure(), { interceptors: tokenInterceptors(f.security) });
    const garbage = [Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from([0x1a, 0x05, 0x0a, 0x80]), Buffer.alloc(0)];
    const outcomes = await Promise.all(
      garbage.map(
        (bytes) =>
          new Promise<number>((resolve) => {
            raw.makeUnaryRequest(
              '/infergraph.inference.v1.ModelInference/Predict',
              (b: Buffer) => b,
              (b: Buffer) => b,
              bytes,
              (err) => resolve(err?.code ?? status.OK),
            );
          }),
      ),
    );
    raw.close();
    // Undecodable bytes are refused by the transport; an empty message decodes to "no model".
    expect(outcomes).toEqual([status.INTERNAL, status.INTERNAL, status.NOT_FOUND]);
    await expect(f.predict('sentiment', text('still here'))).resolves.toBeDefined();
  });

  it('answers NOT_FOUND for an unknown model or version', async () => {
    expect(await failure(f.predict('vision', text('x')))).toEqual({
      grpc: status.NOT_FOUND,
      code: 'MODEL_NOT_FOUND',
      message: 'no model named "vision"; models are sentiment, numeric',
    });
    expect(await failure(f.predict('numeric', features([1]), { version: 'v9' }))).toEqual({
      grpc: status.NOT_FOUND,
      code: 'MODEL_VERSION_NOT_FOUND',
      message: 'model numeric has no version "v9"; versions are v1, v2',
    });
    expect(await failure(getModel(f, 'vision'))).toMatchObject({ grpc: status.NOT_FOUND, code: 'MODEL_NOT_FOUND' });
  });

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
    expect(await failure(predictBatch(f, 'sentiment', [text('simulate-timeout'), text('good')], '', 300))).toMatchObject({ grpc: status.DEADLINE_EXCEEDED });
    expect(Date.now() - batchStarted).toBeGreaterThanOrEqual(290);
    // Alone in a PredictBatch it sleeps past the deadline.
    expect(await failure(predictBatch(f, 'sentiment', [text('simulate-timeout')], '', 200))).toMatchObject({ grpc: status.DEADLINE_EXCEEDED });
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

  it('adds no metric series for made-up model names and versions', async () => {
    const series = async (): Promise<string[]> =>
      (await metricsText(f))
        .split('\n')
        .filter((l) => l.startsWith('infergraph_'))
        .map((l) => l.slice(0, l.lastIndexOf(' ')));
    // One of each failure first, so their outcome series exist.
    await failure(f.predict('made-up', text('x')));
    await failure(f.predict('sentiment', text('x'), { version: 'v99' }));
    await failure(predictBatch(f, 'made-up', [text('x')]));
    await failure(predictBatch(f, 'sentiment', [text('x')], 'v99'));
    const before = await series();
    for (let i = 0; i < 40; i += 1) {
      await failure(f.predict(`made-up-${i}`, text('x'), { version: `v${i}` }));
      await failure(f.predict('sentiment', text('x'), { version: `v${100 + i}` }));
      await failure(predictBatch(f, `made-up-${i}`, [text('x'), text('y')]));
      await failure(predictBatch(f, 'sentiment', [text('x')], `v${100 + i}`));
    }
    expect(await series()).toEqual(before);
  });

  it('changes the traffic policy at run time and streams every change to watchers', async () => {
    const events: ModelEvent__Output[] = [];
    const stream: ClientReadableStream<ModelEvent__Output> = f.client.WatchModels({});
    const ended = new Promise((resolve) => stream.on('error', resolve));
    stream.on('data', (e: ModelEvent__Output) => events.push(e));
    await until(() => events.length >= 2, 'the snapshot of both models', 3000);
    expect(events.map((e) => [e.kind, e.model?.name])).toEqual([
      ['SNAPSHOT', 'sentiment'],
      ['SNAPSHOT', 'numeric'],
    ]);

    const withCanary = await setPolicy(f, { model: 'numeric', canary: { version: 'v2', percent: 25 } });
    expect(withCanary).toMatchObject({ defaultVersion: 'v1', canary: { version: 'v2', percent: 25 } });
    expect(withCanary.versions.map((v) => [v.version, v.default, v.canary])).toEqual([
      ['v1', true, false],
      ['v2', false, true],
    ]);
    const promoted = await setPolicy(f, { model: 'numeric', defaultVersion: 'v2' });
    expect(promoted).toMatchObject({ defaultVersion: 'v2', canary: null });
    expect((await f.predict('numeric', features([1]))).prediction?.modelVersion).toBe('v2');
    await setPolicy(f, { model: 'numeric', defaultVersion: 'v1', canary: { version: 'v2', percent: 5 } });
    const cleared = await setPolicy(f, { model: 'numeric', clearCanary: true });
    expect(cleared.canary).toBeNull();

    await until(() => events.filter((e) => e.kind === 'POLICY_CHANGED').length >= 4, 'four policy changes on the watch stream', 3000);
    const policies = events.filter((e) => e.kind === 'POLICY_CHANGED').map((e) => [e.model?.defaultVersion, e.model?.canary?.percent ?? null]);
    expect(policies).toEqual([
      ['v1', 25],
      ['v2', null],
      ['v1', 5],
      ['v1', null],
    ]);
    stream.cancel();
    await ended;
  });

  it('rejects a traffic policy that cannot hold', async () => {
    expect(await failure(setPolicy(f, { model: 'numeric', defaultVersion: 'v7' }))).toMatchObject({ grpc: status.NOT_FOUND, code: 'MODEL_VERSION_NOT_FOUND' });
    expect(await failure(setPolicy(f, { model: 'numeric', canary: { version: 'v2', percent: 0 } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'canary percent must be an integer from 1 to 100, got 0',
    });
    expect(await failure(setPolicy(f, { model: 'numeric', canary: { version: 'v2', percent: 101 } }))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await failure(setPolicy(f, { model: 'numeric', canary: { version: 'v1', percent: 10 } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('is the default version'),
    });
    expect(await failure(setPolicy(f, { model: 'nope', clearCanary: true }))).toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(setPolicy(f, { model: 'numeric', canary: { version: 'v2', percent: 100 } })).resolves.toMatchObject({ canary: { percent: 100 } });
  });

  it('serves standard gRPC health per service', async () => {
    const health = healthClient(f.address);
    await expect(health.check('')).resolves.toBe('SERVING');
    await expect(health.check('infergraph.inference.v1.ModelInference')).resolves.toBe('SERVING');
    health.close();
  });

  it('lists its services through server reflection', async () => {
    const names = await listServices(f.address, f.security);
    expect(names).toEqual(expect.arrayContaining(['infergraph.inference.v1.ModelInference', 'inference.GRPCInferenceService', 'grpc.health.v1.Health']));
  });

  it('exposes Prometheus metrics: latency and batch size per version, queue depth, loaded versions', async () => {
    await f.predict('numeric', features([9]));
    const text = await metricsText(f);
    const numericV1 = { model: 'numeric', version: 'v1', service: 'inference-grpc' };
    expect(metricValue(text, 'infergraph_inference_latency_seconds_count', numericV1)).toBeGreaterThan(0);
    expect(metricValue(text, 'infergraph_inference_batch_size_bucket', { ...numericV1, le: '4' })).toBeGreaterThan(0);
    expect(metricValue(text, 'infergraph_inference_queue_depth', numericV1)).toBe(0);
    expect(metricValue(text, 'infergraph_model_version_loaded', { model: 'sentiment', version: 'v1' })).toBe(1);
    expect(metricValue(text, 'infergraph_inference_rpcs_total', { method: 'Predict', code: 'OK' })).toBeGreaterThan(0);
    expect(metricValue(text, 'infergraph_inference_rpcs_total', { method: 'Predict', code: 'BAD_USER_INPUT' })).toBeGreaterThan(0);
    const ready = await fetch(`http://127.0.0.1:${f.server.metricsPort}/ready`);
    expect(ready.status).toBe(200);
  });
});

describe('inference-grpc under pressure', () => {
  let f: InferenceFixture;
  beforeAll(async () => {
    f = await startInference({ BATCH_MAX_SIZE: '1', BATCH_MAX_QUEUE: '2', NUMERIC_LATENCY_MS: '300', BATCH_MAX_DELAY_MS: '0' });
  });
  afterAll(() => f.close());

  it('answers RESOURCE_EXHAUSTED / OVERLOADED at once when the queue is full, and serves the rest', async () => {
    const order: string[] = [];
    const calls = [1, 2, 3, 4].map((x) =>
      f.predict('numeric', features([x])).then(
        () => order.push(`ok${x}`),
        (err: ServiceError) => order.push(err.code === status.RESOURCE_EXHAUSTED ? `overloaded${x}` : `other${x}`),
      ),
    );
    await Promise.all(calls);
    // One runs, two wait, the fourth is refused before any answer comes back.
    expect(order).toEqual(['overloaded4', 'ok1', 'ok2', 'ok3']);
  });

  it('drops queued work whose deadline passed: it never runs', async () => {
    const batchesBefore = batchCount(await metricsText(f));
    const first = f.predict('numeric', features([1]), { deadlineMs: 5000 });
    const late = failure(f.predict('numeric', features([2]), { deadlineMs: 100 }));
    expect((await late).grpc).toBe(status.DEADLINE_EXCEEDED);
    await first;
    // Dropped where it would have run: once counted, no batch can run it any more.
    const droppedOf = (text: string): number[] => ['cancelled', 'deadline'].map((reason) => metricValue(text, 'infergraph_inference_dropped_total', { model: 'numeric', reason }) ?? 0);
    await until(async () => droppedOf(await metricsText(f)).some((n) => n > 0), 'the late input to be dropped', 5000);
    const text = await metricsText(f);
    expect(batchCount(text) - batchesBefore).toBe(1);
    const dropped = droppedOf(text);
    expect(dropped).toContain(1);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(1);
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
      expect(first).toEqual({ grpc: status.UNAVAILABLE, code: 'INFERENCE_UNAVAILABLE', message: 'broken:v1 failed to load (weights file not found)' });
      const again = await failure(f.predict('broken', text('x')));
      expect(again.message).toMatch(/^broken:v1 failed to load \(weights file not found\); next attempt in \d+ s$/);
      expect(loads).toBe(1);
      expect((await getModel(f, 'broken')).versions[0]).toMatchObject({ state: 'FAILED', loaded: false, loadError: 'weights file not found' });
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

function batchCount(metrics: string): number {
  return metricValue(metrics, 'infergraph_inference_batch_size_count', { model: 'numeric', version: 'v1' }) ?? 0;
}

describe('GRPC_MAX_CONNECTION_AGE_MS', () => {
  it('asks a connection to reconnect at its age: a long stream on it ends after the grace, new calls answer on a fresh connection', async () => {
    const f = await startInference({ GRPC_MAX_CONNECTION_AGE_MS: '300', SHUTDOWN_GRACE_MS: '200' });
    try {
      const stream: ClientReadableStream<ModelEvent__Output> = f.client.WatchModels({});
      stream.on('data', () => undefined);
      const started = Date.now();
      const ended = await new Promise<number>((resolve) => {
        stream.on('error', () => resolve(Date.now() - started));
        stream.on('end', () => resolve(Date.now() - started));
      });
      // Age plus grace (plus grpc-js's jitter of up to 10% on the age); well before a test timeout.
      expect(ended).toBeGreaterThanOrEqual(400);
      expect(ended).toBeLessThan(5000);
      expect((await f.predict('sentiment', { text: 'still here' })).prediction?.sentiment?.label).toBe('NEUTRAL');
    } finally {
      await f.close();
    }
  });
});
