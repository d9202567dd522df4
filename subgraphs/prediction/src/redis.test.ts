import { createLogger } from '../../../lib/logger';
import { collect, graphql, liveSubscription, wsClient } from '../../../stack/graphql-client';
import { startInference } from '../../../test/helpers/inference';
import type { InferenceFixture } from '../../../test/helpers/inference';
import { describeRedis } from '../../../test/helpers/redis';
import { freshPrefix, redisUrl } from '../../../stack/redis';
import { until } from '../../../lib/until';
import { startPrivateRedis } from '../../../test/helpers/redis-server';
import type { PrivateRedis } from '../../../test/helpers/redis-server';
import { loadPredictionConfig } from './config';
import { startPredictionSubgraph } from './server';
import type { PredictionSubgraph } from './server';

const PREDICT = 'mutation ($input: PredictInput!) { predict(input: $input) { id modelVersion cache label } }';

async function startReplica(inference: InferenceFixture, env: Record<string, string>): Promise<PredictionSubgraph> {
  const subgraph = await startPredictionSubgraph(
    loadPredictionConfig({ HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', ...inference.clientEnv, ...env }),
    createLogger('prediction-subgraph', 'silent'),
  );
  await subgraph.catalog.whenSynced();
  return subgraph;
}

async function predict(subgraph: PredictionSubgraph, input: Record<string, unknown>, headers: Record<string, string> = {}) {
  return graphql<{ predict: { id: string; modelVersion: string; cache: string; label: string } }>(
    subgraph.url,
    PREDICT,
    { input },
    headers,
  );
}

describeRedis('prediction subgraph replicas sharing Redis', () => {
  let inference: InferenceFixture;
  let a: PredictionSubgraph;
  let b: PredictionSubgraph;
  beforeAll(async () => {
    inference = await startInference();
    const env = { REDIS_URL: redisUrl(), REDIS_PREFIX: freshPrefix() };
    a = await startReplica(inference, env);
    b = await startReplica(inference, env);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await inference.close();
  });

  it('serves a prediction cached by one replica as a HIT on the other, and never across versions', async () => {
    expect((await predict(a, { model: 'numeric', features: [3, 1.5] })).data?.predict.cache).toBe('MISS');
    expect((await predict(b, { model: 'numeric', features: [3.0, 1.5] })).data?.predict).toMatchObject({
      cache: 'HIT',
      modelVersion: 'v1',
    });
    expect((await predict(b, { model: 'numeric', version: 'v2', features: [3, 1.5] })).data?.predict.cache).toBe('MISS');
  });

  it('delivers a latency event published by one replica to a subscriber on the other, exactly once', async () => {
    const client = wsClient(b.url);
    try {
      const iterator = await liveSubscription<{ latencyEvents: { predictionId: string } }>(
        client,
        'subscription { latencyEvents { predictionId } }',
        (i) => predict(a, { model: 'sentiment', text: 'warming up', cache: 'BYPASS' }, { 'x-request-id': `req-warm-${i}` }),
      );
      const events = collect(iterator, 100, 700);
      await predict(a, { model: 'sentiment', text: 'across replicas', cache: 'BYPASS' }, { 'x-request-id': 'req-cross' });
      const got = (await events).map((e) => e.data?.latencyEvents.predictionId).filter((id) => !id?.startsWith('req-warm-'));
      expect(got).toEqual(['req-cross:0']);
    } finally {
      await client.dispose();
    }
  });
});

describe('prediction subgraph when Redis goes away', () => {
  let redis: PrivateRedis;
  let inference: InferenceFixture;
  let subgraph: PredictionSubgraph;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    inference = await startInference();
    subgraph = await startReplica(inference, { REDIS_URL: redis.url, REDIS_PREFIX: freshPrefix() });
  });
  afterAll(async () => {
    await subgraph.close();
    await inference.close();
    await redis.stop();
  });

  it('answers with cache BYPASS at once while Redis is down, and caches again by itself when it is back', async () => {
    const input = { model: 'sentiment', text: 'redis outage drill' };
    const first = await predict(subgraph, input);
    expect(first.data?.predict.cache).toBe('MISS');
    expect((await predict(subgraph, input)).data?.predict.cache).toBe('HIT');

    await redis.stop();
    // Redis is down until after: a prediction that waited for it would not answer at all.
    const during = await Promise.all([1, 2, 3].map(() => predict(subgraph, input)));
    for (const res of during) {
      expect(res.errors).toBeUndefined();
      expect(res.data?.predict).toMatchObject({ cache: 'BYPASS', label: first.data?.predict.label });
    }

    await redis.start();
    // The restarted Redis is empty: the first answer is stored again, the next one is a HIT.
    await until(async () => (await predict(subgraph, input)).data?.predict.cache === 'MISS', 'the cache to work again', 5000);
    expect((await predict(subgraph, input)).data?.predict.cache).toBe('HIT');
  });
});
