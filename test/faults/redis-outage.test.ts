/**
 * A private redis-server, shared by every service of the stack (processes),
 * stopped under load and started again: predictions answer with cache
 * BYPASS and no error while it is down, HIT again once it is back, and a
 * subscription made before the outage receives events after it (Redis
 * pub/sub between the prediction subgraph's replicas). The subgraph alone
 * through an outage is in subgraphs/prediction/src/redis.test.ts.
 */
import type { Client } from 'graphql-ws';

import { graphql, liveSubscription, wsClient } from '../../stack/graphql-client';
import type { GraphQLResponse } from '../../stack/graphql-client';
import { startProcessStack } from '../helpers/process-stack';
import type { ProcessStack } from '../helpers/process-stack';
import { freshPrefix } from '../../stack/redis';
import { sleep, until } from '../../lib/until';
import { startPrivateRedis } from '../helpers/redis-server';
import type { PrivateRedis } from '../helpers/redis-server';

const CALLERS = 6;
const OUTAGE_MS = 1500;

type Predicted = GraphQLResponse<{ predict: { id: string; cache: string; label: string } }>;

describe('Redis stopped under load and started again', () => {
  let redis: PrivateRedis | undefined;
  let stack: ProcessStack | undefined;
  let client: Client | undefined;
  afterAll(async () => {
    await client?.dispose();
    await stack?.close();
    await redis?.stop();
  }, 30_000);

  it('answers BYPASS without errors while it is down, HIT again after, and a subscription made before the outage receives after it', async () => {
    redis = await startPrivateRedis();
    const shared = { REDIS_URL: redis.url, REDIS_PREFIX: freshPrefix() };
    stack = await startProcessStack({
      inference: shared,
      prediction: shared,
      supergraph: { ...shared, RATE_LIMIT_PER_MINUTE: '600000', RATE_LIMIT_BURST: '100000' },
    });
    const url = stack.url;
    const predict = (text: string, cache = 'USE', requestId = ''): Promise<Predicted> =>
      graphql(
        url,
        'mutation ($t: String!, $c: CachePolicy) { predict(input: { model: "sentiment", text: $t, cache: $c }) { id cache label } }',
        { t: text, c: cache },
        requestId ? { 'x-request-id': requestId } : {},
      );

    client = wsClient(url);
    const events = await liveSubscription<{ latencyEvents: { predictionId: string } }>(
      client,
      'subscription { latencyEvents(model: "sentiment") { predictionId } }',
      (i) => predict('poke', 'BYPASS', `req-poke-${i}`),
    );
    const seen: string[] = [];
    let ended = false;
    const collecting = (async () => {
      for await (const event of events) seen.push(event.data?.latencyEvents.predictionId ?? JSON.stringify(event.errors));
      ended = true;
    })();

    const texts = ['a lovely outage', 'a dreadful outage', 'an outage'];
    for (const text of texts) expect((await predict(text)).data?.predict.cache).toBe('MISS');
    expect((await predict(texts[0] ?? '')).data?.predict.cache).toBe('HIT');

    await redis.stop();
    const during: { caller: number; ms: number; res: Predicted }[] = [];
    const stopAt = Date.now() + OUTAGE_MS;
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, n) => {
        for (let i = 0; Date.now() < stopAt; i += 1) {
          const started = Date.now();
          const res = await predict(texts[(n + i) % texts.length] ?? '');
          during.push({ caller: n, ms: Date.now() - started, res });
        }
      }),
    );
    console.info(`Redis down ${OUTAGE_MS} ms: ${during.length} predictions, slowest ${Math.max(...during.map((d) => d.ms))} ms`);
    expect(during.filter((d) => d.res.status !== 200 || d.res.errors !== undefined || d.res.data?.predict.cache !== 'BYPASS')).toEqual([]);
    // Nothing waits for Redis: a prediction that did would hold its caller until Redis is back, after this loop,
    // so every caller is answered more than once while it is down (how fast is the bench's business, not a test's).
    const answersPerCaller = Array.from({ length: CALLERS }, (_, n) => during.filter((d) => d.caller === n).length);
    expect(answersPerCaller.filter((count) => count < 2)).toEqual([]);

    await redis.start();
    // The restarted Redis is empty: an answer is stored again (MISS), then served from it (HIT).
    await until(async () => (await predict(texts[1] ?? '')).data?.predict.cache === 'MISS', 'the cache to store again', 5000);
    expect((await predict(texts[1] ?? '')).data?.predict.cache).toBe('HIT');

    const marker = freshPrefix();
    await until(
      async () => {
        await predict(`after the outage ${marker}`, 'BYPASS', `req-after-${marker}`);
        await sleep(100);
        return seen.some((id) => id.startsWith(`req-after-${marker}`));
      },
      'an event on the subscription made before the outage',
      5000,
    );
    expect(ended).toBe(false);
    await events.return?.();
    await collecting;
    expect(stack.crashes()).toEqual([]);
  }, 40_000);
});
