/**
 * Scale out on one machine: `npm run start:cluster` (2 replicas of every
 * service, all sharing Redis) as real processes, checked the way an operator
 * would: through both gateways.
 */
import { startCluster } from '../stack/cluster';
import type { Cluster } from '../stack/cluster';
import { graphql, liveSubscription, wsClient } from '../stack/graphql-client';
import type { GraphQLResponse } from '../stack/graphql-client';
import { Metadata } from '@grpc/grpc-js';

import { createInferenceClient } from '../lib/grpc/client';
import type { ModelInfo__Output } from '../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import { unary } from '../lib/grpc/unary';
import { describeRedis } from './helpers/redis';
import { deletePrefix, freshPrefix, redisUrl } from '../stack/redis';
import { until } from '../lib/until';

const LOADER_KEY = 'loader-key-0123456789abcdef';
const PROBE_KEY = 'probe-key-0123456789abcdefgh';
/** Per caller, across every gateway: a bucket of BURST operations refilled at one a second. */
const BURST = 1500;
const PER_MINUTE = 60;

type Predicted = GraphQLResponse<{ predict: { id: string; modelVersion: string; cache: string; label: string } }>;

describeRedis('npm run start:cluster: 2 replicas of every service sharing Redis', () => {
  let cluster: Cluster;
  let gateway1: string;
  let gateway2: string;
  const auth = { 'x-api-key': LOADER_KEY };
  const prefix = freshPrefix();

  /** The default numeric version each inference replica serves, asked of each directly. */
  const numericDefaults = async (): Promise<string[]> =>
    Promise.all(
      ['inference-1', 'inference-2'].map(async (label) => {
        const client = createInferenceClient(cluster.url(label), {}, cluster.inferenceSecurity);
        try {
          const model = await unary<ModelInfo__Output>((cb) =>
            client.GetModel({ name: 'numeric' }, new Metadata(), { deadline: Date.now() + 2000 }, cb),
          );
          return model.defaultVersion;
        } finally {
          client.close();
        }
      }),
    );

  const predict = (url: string, input: Record<string, unknown>): Promise<Predicted> =>
    graphql(url, 'mutation ($input: PredictInput!) { predict(input: $input) { id modelVersion cache label } }', { input }, auth);

  beforeAll(async () => {
    cluster = await startCluster(2, {
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: prefix,
      // Generous: on a loaded 2-CPU machine a 100 ms command timeout lets rate-limited operations through.
      REDIS_TIMEOUT_MS: '2000',
      NUMERIC_LATENCY_MS: '20',
      // Every version loaded before the replicas serve: a prediction replica's cache answers only for loads its own
      // copy of the registry has heard of, and a version loaded on first use by one inference replica is not loaded
      // on the other, which the other prediction replica may be watching.
      LOAD_ALL_MODELS: 'true',
      API_KEYS: `loader=${LOADER_KEY}:reader+predictor+admin,probe=${PROBE_KEY}:reader`,
      RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
      RATE_LIMIT_BURST: String(BURST),
    });
    gateway1 = cluster.url('supergraph-1');
    gateway2 = cluster.url('supergraph-2');
    expect(cluster.instances.map((i) => i.label).sort()).toEqual([
      'inference-1',
      'inference-2',
      'models-1',
      'models-2',
      'prediction-1',
      'prediction-2',
      'supergraph-1',
      'supergraph-2',
    ]);
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
    await deletePrefix(prefix);
    expect(await cluster?.exited).toBe(0);
  }, 40_000);

  it('applies a policy change made through gateway 1 to predictions through gateway 2 within a second', async () => {
    const changed = await graphql(
      gateway1,
      'mutation { setTrafficPolicy(input: { model: "numeric", defaultVersion: "v2" }) { defaultVersion } }',
      {},
      auth,
    );
    expect(changed.data).toEqual({ setTrafficPolicy: { defaultVersion: 'v2' } });
    const since = Date.now();
    await until(
      async () => (await predict(gateway2, { model: 'numeric', features: [1, 2], cache: 'BYPASS' })).data?.predict.modelVersion === 'v2',
      'gateway 2 to predict with v2',
      1000,
    );
    // The models subgraph behind gateway 2 answers from its own WatchModels copy: the change arrives on its stream.
    await until(
      async () =>
        (await graphql<{ model: { defaultVersion: string } }>(gateway2, '{ model(name: "numeric") { defaultVersion } }', {}, auth)).data
          ?.model.defaultVersion === 'v2',
      'gateway 2 to show v2 as the default',
      1000,
    );
    expect(Date.now() - since).toBeLessThan(1000);
    // Whichever replica each subgraph happens to talk to, both inference replicas took the change.
    expect(await numericDefaults()).toEqual(['v2', 'v2']);

    await graphql(
      gateway2,
      'mutation { setTrafficPolicy(input: { model: "numeric", defaultVersion: "v1" }) { defaultVersion } }',
      {},
      auth,
    );
    await until(
      async () => (await predict(gateway1, { model: 'numeric', features: [1, 2], cache: 'BYPASS' })).data?.predict.modelVersion === 'v1',
      'gateway 1 to predict with v1 again',
      1000,
    );
    expect(await numericDefaults()).toEqual(['v1', 'v1']);
  });

  it('serves a prediction cached by one prediction replica as a HIT from the other', async () => {
    const input = { model: 'sentiment', version: 'v1', text: `cached across replicas ${freshPrefix()}` };
    const first = await predict(gateway1, input);
    const second = await predict(gateway2, input);
    expect([first.data?.predict.cache, second.data?.predict.cache]).toEqual(['MISS', 'HIT']);
    expect(second.data?.predict.label).toBe(first.data?.predict.label);
  });

  it('delivers each latency event of a prediction made through gateway 1 exactly once to a subscriber on gateway 2', async () => {
    const client = wsClient(gateway2, { apiKey: LOADER_KEY });
    const marker = freshPrefix();
    try {
      const events = await liveSubscription<{ latencyEvents: { predictionId: string } }>(
        client,
        'subscription { latencyEvents(model: "sentiment") { predictionId } }',
        () => predict(gateway1, { model: 'sentiment', text: `poke ${marker}`, cache: 'BYPASS' }),
      );
      const ids: string[] = [];
      const collecting = (async () => {
        for await (const event of events) ids.push(event.data?.latencyEvents.predictionId ?? '');
      })();
      const made = await Promise.all(
        Array.from({ length: 5 }, (_, n) => predict(gateway1, { model: 'sentiment', text: `event ${n} ${marker}`, cache: 'BYPASS' })),
      );
      const madeIds = made.map((r) => r.data?.predict.id ?? 'missing');
      await until(() => madeIds.every((id) => ids.includes(id)), 'every event on gateway 2', 3000);
      // A duplicate of those five would arrive before the event of a later prediction on the same channel.
      const later =
        (await predict(gateway1, { model: 'sentiment', text: `later ${marker}`, cache: 'BYPASS' })).data?.predict.id ?? 'missing';
      await until(() => ids.includes(later), 'the event of a later prediction', 3000);
      await events.return?.();
      await collecting;
      expect(madeIds.map((id) => ids.filter((seen) => seen === id).length)).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await client.dispose();
    }
  });

  it('holds a rate limit across both gateways', async () => {
    const started = Date.now();
    const probes = await Promise.all(
      Array.from({ length: BURST + 100 }, (_, n) =>
        graphql(n % 2 === 0 ? gateway1 : gateway2, '{ __typename }', {}, { 'x-api-key': PROBE_KEY }),
      ),
    );
    const refilled = Math.ceil(((Date.now() - started) / 60_000) * PER_MINUTE);
    const limited = probes.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length;
    const allowed = probes.filter((r) => r.data?.__typename === 'Query').length;
    expect(probes.filter((r) => r.data?.__typename !== 'Query' && r.errors?.[0]?.extensions?.code !== 'RATE_LIMITED')).toEqual([]);
    // One bucket for both gateways: the burst plus what refilled while the probes ran.
    // A bucket per gateway would have let every probe through (each gateway saw fewer than BURST).
    expect(allowed).toBeGreaterThanOrEqual(BURST);
    expect(allowed).toBeLessThanOrEqual(BURST + refilled);
    expect(limited).toBeGreaterThanOrEqual(100 - refilled);
  });

  it('keeps answering when an inference replica is killed under load: only calls in flight to it fail, with INFERENCE_UNAVAILABLE', async () => {
    const victim = cluster.pid('inference-1');
    const CALLERS = 6;
    const results: { startedAt: number; answeredAt: number; code: string | undefined; ok: boolean }[] = [];
    let inFlight = 0;
    let inFlightAtKill = -1;
    let killedAt = Number.POSITIVE_INFINITY;
    // The load runs until two seconds after the kill, however long it takes to get there.
    const stopAt = (): number => killedAt + 2000;
    const caller = async (n: number): Promise<void> => {
      for (let i = 0; Date.now() < stopAt(); i += 1) {
        const startedAt = Date.now();
        inFlight += 1;
        const r = await predict(n % 2 === 0 ? gateway1 : gateway2, { model: 'numeric', features: [n, i], cache: 'BYPASS' });
        inFlight -= 1;
        results.push({
          startedAt,
          answeredAt: Date.now(),
          code: r.errors?.[0]?.extensions?.code,
          ok: typeof r.data?.predict.label === 'string',
        });
      }
    };
    const load = Promise.all(Array.from({ length: CALLERS }, (_, n) => caller(n)));
    // Under load: every caller has been answered a few times and all are waiting on an answer.
    await until(() => results.length >= CALLERS * 3, 'the load to be under way', 10_000);
    inFlightAtKill = inFlight;
    killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    await load;

    const failed = results.filter((r) => !r.ok);
    console.info(`killed inference-1 with ${inFlightAtKill} requests in flight: ${failed.length} of ${results.length} failed`);
    expect(failed.map((r) => r.code).filter((c) => c !== 'INFERENCE_UNAVAILABLE')).toEqual([]);
    expect(failed.length).toBeLessThanOrEqual(inFlightAtKill);
    // Once the last failure is answered, the replica left serves everything.
    const recovered = Math.max(killedAt, ...failed.map((r) => r.answeredAt));
    const after = results.filter((r) => r.startedAt > recovered);
    expect(after.length).toBeGreaterThan(CALLERS);
    expect(after.filter((r) => !r.ok)).toEqual([]);
    expect(cluster.output()).toContain('inference-1 exited unexpectedly');
  }, 30_000);
});
