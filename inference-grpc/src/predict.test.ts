/** inference-grpc's ModelInference over a real channel: models, predictions, batches, input checks, health, reflection and metrics. */
import { Client, credentials, status } from '@grpc/grpc-js';

import { tokenInterceptors } from '../../lib/grpc/security';
import { healthClient } from '../../test/helpers/health';
import { failure, startInference } from '../../test/helpers/inference';
import type { InferenceFixture } from '../../test/helpers/inference';
import { metricValue } from '../../stack/prometheus';
import { listServices } from '../../test/helpers/reflection';
import { features, getModel, listModels, metricsText, predictBatch, text } from './server.test-helpers';

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

  it('answers an explicit version, and every version reads sentiment', async () => {
    const v2 = await f.predict('sentiment', text('This is terrible and sad.'), { version: 'v2' });
    expect(v2.prediction).toMatchObject({ modelVersion: 'v2', sentiment: { label: 'NEGATIVE' } });
    const neutral = await f.predict('sentiment', text('The table is brown.'), { version: 'v2' });
    expect(neutral.prediction?.sentiment?.label).toBe('NEUTRAL');
    expect((await getModel(f, 'sentiment')).versions.map((v) => v.version)).toEqual(['v1', 'v2', 'v3']);
    const v3 = await f.predict('sentiment', text('Not good at all.'), { version: 'v3' });
    expect(v3.prediction).toMatchObject({ modelVersion: 'v3', sentiment: { label: 'NEGATIVE' } });
  });

  it('answers v3 (learned) with a probability: score 2p - 1, confidence max(p, 1 - p)', async () => {
    for (const sentence of ['I love this phone, it works great.', 'The food was cold and the service was slow.']) {
      const { prediction } = await f.predict('sentiment', text(sentence.slice(0, 40)), { version: 'v3' });
      const { label, score = 0, confidence = 0 } = prediction?.sentiment ?? {};
      expect(label).toBe(sentence.startsWith('I love') ? 'POSITIVE' : 'NEGATIVE');
      expect(confidence).toBeGreaterThanOrEqual(0.5);
      expect(confidence).toBeLessThanOrEqual(1);
      expect(confidence).toBeCloseTo(0.5 + Math.abs(score) / 2, 5);
    }
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
    expect(res.items[1]?.error).toMatchObject({
      grpcCode: status.INVALID_ARGUMENT,
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('features[0] is NaN'),
    });
    expect(res.items[0]?.prediction?.numeric).toEqual(
      (await f.predict('numeric', features([1, 2]), { version: 'v2' })).prediction?.numeric,
    );
  });

  it('bounds PredictBatch at MAX_BATCH_ITEMS', async () => {
    await expect(
      predictBatch(
        f,
        'sentiment',
        Array.from({ length: 5 }, () => text('ok')),
      ),
    ).resolves.toMatchObject({ items: expect.any(Array) });
    expect(
      await failure(
        predictBatch(
          f,
          'sentiment',
          Array.from({ length: 6 }, () => text('ok')),
        ),
      ),
    ).toMatchObject({
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
    expect(await failure(f.predict(model, input))).toEqual({
      grpc: status.INVALID_ARGUMENT,
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining(message),
    });
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

  it('serves standard gRPC health per service', async () => {
    const health = healthClient(f.address);
    await expect(health.check('')).resolves.toBe('SERVING');
    await expect(health.check('infergraph.inference.v1.ModelInference')).resolves.toBe('SERVING');
    health.close();
  });

  it('lists its services through server reflection', async () => {
    const names = await listServices(f.address, f.security);
    expect(names).toEqual(
      expect.arrayContaining(['infergraph.inference.v1.ModelInference', 'inference.GRPCInferenceService', 'grpc.health.v1.Health']),
    );
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
