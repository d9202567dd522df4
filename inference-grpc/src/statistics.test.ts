import { Metadata, status } from '@grpc/grpc-js';

import { createInferenceClient } from '../../lib/grpc/client';
import type { ModelStatisticsResponse__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelStatisticsResponse';
import type { ModelStatisticsRequest } from '../../lib/grpc/generated/infergraph/inference/v1/ModelStatisticsRequest';
import type { ModelInferenceClient } from '../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import { OPEN_CLIENT } from '../../lib/grpc/security';
import { unary } from '../../lib/grpc/unary';
import { failure, startInference } from '../../test/helpers/inference';
import type { InferenceFixture } from '../../test/helpers/inference';
import { call, oipClient } from './oip/oip-client.test-helpers';
import type { Oip } from './oip/oip-client.test-helpers';
import { ModelStatistics } from './statistics';

function statistics(client: ModelInferenceClient, request: ModelStatisticsRequest = {}): Promise<ModelStatisticsResponse__Output> {
  return unary((cb) => client.ModelStatistics(request, new Metadata(), { deadline: Date.now() + 5000 }, cb));
}

describe('ModelStatistics (the per-version figures the engine records)', () => {
  it('counts answers, failures and batches of known versions over the window, leaving out what came before the load', () => {
    let now = 1_000_000_400;
    const stats = new ModelStatistics({ windowSeconds: 10, known: (m, v) => m === 'numeric' && v === 'v1', now: () => now });
    stats.answered('numeric', 'v1', true, 4);
    stats.answered('numeric', 'v1', false, 30);
    stats.batchRan('numeric', 'v1', 1);
    now += 2000;
    stats.answered('numeric', 'v1', true, 6);
    stats.batchRan('numeric', 'v1', 2);
    stats.answered('numeric', 'v9', true, 1); // unknown: no entry is made
    const figures = stats.window('numeric', 'v1', 1_000_000_100);
    expect(figures).toMatchObject({ requests: 3, failures: 1, batches: 2, meanBatchSize: 1.5, since: 1_000_000_100 });
    expect(figures.latency?.count).toBe(2);
    // Reloaded since: what the version answered before it is left out.
    expect(stats.window('numeric', 'v1', 1_000_001_234)).toMatchObject({ requests: 1, failures: 0, since: 1_000_001_234 });
    expect(stats.window('numeric', 'v1', undefined).since).toBe((1_000_002 - 9) * 1000);
    expect(stats.window('numeric', 'v9', undefined)).toMatchObject({ requests: 0, latency: null, meanBatchSize: null });
    expect(stats.totals('numeric', 'v1')).toEqual({
      lastInference: now,
      success: { count: 2, ms: 10 },
      fail: { count: 1, ms: 30 },
      executions: 2,
    });

    // Ten seconds on, the window has forgotten them; the totals have not.
    now += 10_000;
    expect(stats.window('numeric', 'v1', undefined)).toMatchObject({ requests: 0, failures: 0, batches: 0, meanBatchSize: null });
    expect(stats.totals('numeric', 'v1').success.count).toBe(2);
  });
});

describe('the ModelStatistics RPC', () => {
  let f: InferenceFixture;
  let oip: Oip;

  beforeAll(async () => {
    f = await startInference({ BATCH_MAX_DELAY_MS: '50' });
    oip = oipClient(f);
  });
  afterAll(async () => {
    oip.close();
    await f.close();
  });

  it('moves as predictions flow: requests, failures, latency and the mean batch size of each version', async () => {
    const before = await statistics(f.client, { model: 'sentiment', version: 'v2' });
    expect(before.versions).toEqual([
      expect.objectContaining({ model: 'sentiment', version: 'v2', requests: 0, failures: 0, latency: null }),
    ]);

    // One batch call of three numeric inputs runs as one batch of three.
    const features = (values: number[]) => ({ features: { values } });
    await unary((cb) =>
      f.client.PredictBatch({ model: 'numeric', version: 'v1', inputs: [features([1]), features([2]), features([3])] }, cb),
    );
    await f.predict('sentiment', { text: 'good' }, { version: 'v2' });
    await failure(f.predict('sentiment', { text: 'simulate-error' }, { version: 'v2' }));

    const { versions } = await statistics(f.client);
    const numeric = versions.find((v) => v.model === 'numeric' && v.version === 'v1');
    expect(numeric).toMatchObject({ requests: 3, failures: 0, batches: 1, meanBatchSize: 3 });
    expect(numeric?.latency?.p50Ms).toBeGreaterThan(0);
    expect(numeric?.latency?.p99Ms).toBeGreaterThanOrEqual(numeric?.latency?.p50Ms ?? Infinity);
    const sentiment = versions.find((v) => v.model === 'sentiment' && v.version === 'v2');
    expect(sentiment).toMatchObject({ requests: 2, failures: 1 });
    // The window starts when the version loaded, as it did within this test.
    const loadedAt = f.server.registry
      .get('sentiment')
      .versions.find((v) => v.version === 'v2')
      ?.loadedAt?.getTime();
    expect(Date.parse(sentiment?.windowStart ?? '')).toBe(loadedAt);
    // Every version of every model, untouched ones at zero.
    expect(versions.find((v) => v.model === 'numeric' && v.version === 'v2')).toMatchObject({ requests: 0, batches: 0, meanBatchSize: 0 });
  });

  it('refuses an unknown model or version, and a version without its model', async () => {
    expect(await failure(statistics(f.client, { model: 'nope' }))).toMatchObject({ grpc: status.NOT_FOUND, code: 'MODEL_NOT_FOUND' });
    expect(await failure(statistics(f.client, { model: 'numeric', version: 'v9' }))).toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND' });
    expect(await failure(statistics(f.client, { version: 'v1' }))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it("answers Triton's ModelStatistics on the OIP service: totals since the version's statistics began", async () => {
    await f.predict('numeric', { features: { values: [0.5] } }, { version: 'v2' });
    await failure(f.predict('sentiment', { text: 'simulate-error' }, { version: 'v1' }));
    const answer = await call<{ model_stats: Record<string, unknown>[] }>(oip, 'ModelStatistics', { name: 'numeric', version: '2' });
    expect(answer.model_stats).toEqual([
      expect.objectContaining({
        name: 'numeric',
        version: '2',
        inference_count: 1,
        execution_count: 1,
        inference_stats: { success: { count: 1, ns: expect.any(Number) as number }, fail: { count: 0, ns: 0 } },
      }),
    ]);
    expect(answer.model_stats[0]?.last_inference).toBeGreaterThan(Date.now() - 60_000);
    const failed = await call<{ model_stats: Record<string, unknown>[] }>(oip, 'ModelStatistics', { name: 'sentiment', version: 'v1' });
    expect(failed.model_stats).toEqual([
      expect.objectContaining({
        version: '1',
        inference_count: 0,
        inference_stats: expect.objectContaining({ fail: { count: 1, ns: expect.any(Number) as number } }) as unknown,
      }),
    ]);
    const all = await call<{ model_stats: { name: string; version: string }[] }>(oip, 'ModelStatistics', {});
    expect(all.model_stats.map((s) => `${s.name}:${s.version}`)).toEqual(expect.arrayContaining(['numeric:1', 'numeric:2', 'sentiment:1']));
  });

  it('needs the credentials, on both services', async () => {
    const stranger = createInferenceClient(f.address, {}, OPEN_CLIENT);
    try {
      expect(await failure(statistics(stranger))).toMatchObject({ grpc: status.UNAUTHENTICATED });
    } finally {
      stranger.close();
    }
    const strangerOip = oipClient({ ...f, security: OPEN_CLIENT });
    try {
      await expect(call(strangerOip, 'ModelStatistics', {})).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    } finally {
      strangerOip.close();
    }
  });
});
