/**
 * The response cache (RESPONSE_CACHE) over the real stack: what it costs is
 * counted in subgraph fetches (the supergraph's own histogram counts every
 * one), never inferred from time.
 */
import { until } from '../../lib/until';
import { graphql } from '../../stack/graphql-client';
import type { GraphQLResponse } from '../../stack/graphql-client';
import { metricValue } from '../../stack/prometheus';
import { setPolicy, startInference } from '../../test/helpers/inference';
import { startModels } from '../../test/helpers/models';
import { startFreezingProxy } from '../../test/helpers/freezing-proxy';
import { startSplitProxy } from '../../test/helpers/split-proxy';
import type { SplitProxy } from '../../test/helpers/split-proxy';
import { startStack, startSupergraphFor } from '../../test/helpers/stack';
import type { Stack } from '../../test/helpers/stack';
import type { Supergraph } from './index';

const KEYS = { admin: 'admin-key-0123456789abc', reader: 'reader-key-0123456789ab', predictor: 'predictor-key-0123456789' };
const API_KEYS = `ops=${KEYS.admin}:admin+reader+predictor,dash=${KEYS.reader}:reader,app=${KEYS.predictor}:predictor`;
/** The `models` query of issue 17. */
const MODELS = '{ models { name defaultVersion description canary { version percent } versions { version loaded } } }';
/** The numeric model's canary, in a query of its own name: one no earlier test has cached. */
const canary = (name: string) => `query ${name} { model(name: "numeric") { canary { version percent } } }`;
const SET_CANARY = (percent: number) =>
  `mutation { setTrafficPolicy(input: { model: "numeric", canary: { version: "v2", percent: ${percent} } }) { canary { percent } } }`;

type Canary = { model: { canary: { percent: number } | null } };

describe('the response cache', () => {
  let stack: Stack;
  /** Closed after the tests, before the stack. */
  const extra: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    stack = await startStack({ supergraphEnv: { API_KEYS, RATE_LIMIT_PER_MINUTE: '0' } });
  });
  afterAll(async () => {
    await Promise.all(extra.map((s) => s.close()));
    await stack.close();
  });

  const another = async (env: Record<string, string>): Promise<Supergraph> => {
    const supergraph = await startSupergraphFor(stack, { API_KEYS, RATE_LIMIT_PER_MINUTE: '0', ...env });
    extra.push(supergraph);
    return supergraph;
  };
  const proxy = async (wsTarget?: string): Promise<SplitProxy> => {
    const split = await startSplitProxy(stack.models.url, wsTarget);
    extra.push(split);
    return split;
  };
  const metrics = async (sg: Supergraph): Promise<string> => (await fetch(`http://127.0.0.1:${sg.metricsPort}/metrics`)).text();
  /** Fetches `sg` has made to any subgraph so far. */
  const fetches = async (sg: Supergraph): Promise<number> =>
    (await metrics(sg))
      .split('\n')
      .filter((line) => line.startsWith('infergraph_subgraph_fetch_duration_seconds_count{'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  const outcomes = async (sg: Supergraph, outcome: string): Promise<number> =>
    metricValue(await metrics(sg), 'infergraph_response_cache_total', { outcome }) ?? 0;
  /** The answer and the subgraph fetches it cost. */
  const costed = async <D>(sg: Supergraph, query: string, key = KEYS.reader, variables: Record<string, unknown> = {}) => {
    const before = await fetches(sg);
    const answer: GraphQLResponse<D> = await graphql<D>(sg.url, query, variables, { 'x-api-key': key });
    return { answer, fetches: (await fetches(sg)) - before };
  };
  /** Until a read of `query` is answered from the cache: after the subscription opened and any change settled. */
  const cached = (sg: Supergraph, query: string): Promise<void> =>
    until(async () => (await costed(sg, query)).fetches === 0, `${query} answered from the cache`, 10_000);

  it('answers the models query again with no subgraph fetch and the same data', async () => {
    const sg = stack.supergraph;
    await cached(sg, MODELS);
    const hits = await outcomes(sg, 'hit');
    const fresh = await graphql(stack.models.url, MODELS);
    const again = await costed(sg, MODELS);
    expect(again).toEqual({ answer: { status: 200, data: fresh.data }, fetches: 0 });
    expect(await outcomes(sg, 'hit')).toBe(hits + 1);
  });

  it('tells clients no-store even for a cached answer: a cache beyond the supergraph would hear of no invalidation', async () => {
    const sg = stack.supergraph;
    await cached(sg, MODELS);
    const [direct, hit] = await Promise.all(
      [stack.models.url, sg.url].map((url) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': KEYS.reader },
          body: JSON.stringify({ query: MODELS }),
        }),
      ),
    );
    // The models subgraph's hint is what the supergraph caches by; its own callers hear it.
    expect([direct?.headers.get('cache-control'), hit?.headers.get('cache-control')]).toEqual(['max-age=10, public', 'no-store']);
  });

  it('keeps its answers when a registry mutation is refused before it runs: a reader cannot empty it', async () => {
    const sg = stack.supergraph;
    await cached(sg, MODELS);
    const refused = await costed(sg, SET_CANARY(13), KEYS.reader);
    expect(refused.answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.fetches).toBe(0);
    expect((await costed(sg, MODELS)).fetches).toBe(0);
  });

  it('shows a policy change made through this supergraph at the next read, and answers every setTrafficPolicy itself', async () => {
    // The same text twice: the second takes the fast path (./fast-path), which must start a new generation as well.
    // This supergraph's modelChanged comes from a models subgraph of another inference-grpc, which never reports
    // the change (its queries and mutations go to the stack's): only the mutation can invalidate.
    const elsewhere = await startInference();
    const quiet = await startModels(elsewhere);
    extra.push(elsewhere, quiet);
    const sg = await another({ MODELS_URL: (await proxy(quiet.url)).url });
    await cached(sg, canary('Mine'));
    const setCanary =
      'mutation ($p: Int!) { setTrafficPolicy(input: { model: "numeric", canary: { version: "v2", percent: $p } }) { canary { percent } } }';
    const first = await costed(sg, setCanary, KEYS.admin, { p: 11 });
    // Cached again after the first change, so that only the second's invalidation makes the next read fetch.
    await cached(sg, canary('Mine'));
    const fast = metricValue(await metrics(sg), 'infergraph_fast_path_operations_total', { outcome: 'ANSWERED' }) ?? 0;
    const second = await costed(sg, setCanary, KEYS.admin, { p: 12 });
    expect(metricValue(await metrics(sg), 'infergraph_fast_path_operations_total', { outcome: 'ANSWERED' })).toBe(fast + 1);
    expect([first.answer.data, second.answer.data]).toEqual([
      { setTrafficPolicy: { canary: { percent: 11 } } },
      { setTrafficPolicy: { canary: { percent: 12 } } },
    ]);
    expect([first.fetches, second.fetches]).toEqual([1, 1]);
    const read = await costed<Canary>(sg, canary('Mine'));
    expect(read).toEqual({ answer: { status: 200, data: { model: { canary: { version: 'v2', percent: 12 } } } }, fetches: 1 });
  });

  it('shows a version loaded or unloaded through this supergraph at the next read', async () => {
    // As above: only the mutations can invalidate this supergraph's cache.
    const elsewhere = await startInference();
    const quiet = await startModels(elsewhere);
    extra.push(elsewhere, quiet);
    const sg = await another({ MODELS_URL: (await proxy(quiet.url)).url });
    const versions = 'query Versions { model(name: "sentiment") { versions { version state } } }';
    const stateOfV3 = (answer: GraphQLResponse<{ model: { versions: { version: string; state: string }[] } }>): string | undefined =>
      answer.data?.model.versions.find((v) => v.version === 'v3')?.state;
    const change = (field: string) => `mutation { ${field}(model: "sentiment", version: "v3") { name } }`;
    for (const [field, state] of [
      ['loadModelVersion', 'LOADED'],
      ['unloadModelVersion', 'UNLOADED'],
    ]) {
      await cached(sg, versions);
      const changed = await costed(sg, change(field ?? ''), KEYS.admin);
      expect(changed.answer.errors).toBeUndefined();
      const read = await costed<{ model: { versions: { version: string; state: string }[] } }>(sg, versions);
      expect([stateOfV3(read.answer), read.fetches]).toEqual([state, 1]);
    }
  });

  it.each([
    [
      'straight at inference-grpc',
      (percent: number) => setPolicy(stack.prediction.inference, { model: 'numeric', canary: { version: 'v2', percent } }),
    ],
    ['through the models subgraph', (percent: number) => graphql(stack.models.url, SET_CANARY(percent))],
  ])('shows a policy change made %s, which the models subgraph reports (modelChanged)', async (where, change) => {
    const sg = stack.supergraph;
    const query = canary(where === 'straight at inference-grpc' ? 'Inference' : 'Subgraph');
    await cached(sg, query);
    const percent = 20 + Math.floor(Math.random() * 70);
    await change(percent);
    // Well within the entry's max-age (10 s, and it was cached just now): only the invalidation can show it this soon.
    await until(
      async () => (await costed<Canary>(sg, query)).answer.data?.model.canary?.percent === percent,
      `the read to show canary ${percent}%`,
      5000,
    );
  });

  it('never caches a mutation mixing prediction and models data', async () => {
    const sg = stack.supergraph;
    const predict = 'mutation ($input: PredictInput!) { predict(input: $input) { modelVersion model { name defaultVersion } } }';
    const input = { input: { model: 'numeric', features: [1, 2, 3] } };
    const costs: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { answer, fetches: cost } = await costed(sg, predict, KEYS.admin, input);
      expect(answer).toMatchObject({ status: 200, data: { predict: { model: { name: 'numeric' } } } });
      costs.push(cost);
    }
    expect(costs).toEqual([2, 2]);
  });

  it('serves a cached answer only to callers allowed to ask: none to one without credentials or the reader role', async () => {
    const sg = stack.supergraph;
    await cached(sg, MODELS);
    const anonymous = await graphql(sg.url, MODELS);
    expect(anonymous).toMatchObject({ status: 401, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(anonymous.data ?? null).toBeNull();
    const predictor = await costed(sg, MODELS, KEYS.predictor);
    expect(predictor.answer).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect(predictor.answer.data ?? null).toBeNull();
    // No model field depends on who asks (the hints are PUBLIC): another reader shares the answer.
    expect((await costed(sg, MODELS, KEYS.admin)).fetches).toBe(0);
  });

  it('with RESPONSE_CACHE=false, every read costs a fetch', async () => {
    const sg = await another({ RESPONSE_CACHE: 'false' });
    const costs = [];
    for (let i = 0; i < 3; i++) costs.push((await costed(sg, MODELS)).fetches);
    expect(costs).toEqual([1, 1, 1]);
    expect(await outcomes(sg, 'hit')).toBe(0);
  });

  it('is neither read nor written before its modelChanged subscription opens', async () => {
    const split = await proxy();
    split.cut();
    const sg = await another({ MODELS_URL: split.url });
    const costs = [];
    for (let i = 0; i < 3; i++) costs.push((await costed(sg, MODELS)).fetches);
    expect(costs).toEqual([1, 1, 1]);
    expect(await outcomes(sg, 'bypass')).toBe(3);
  });

  it('is bypassed once its subscription goes down, and serves again once it is back', async () => {
    const split = await proxy();
    const sg = await another({ MODELS_URL: split.url });
    await cached(sg, MODELS);
    split.cut();
    await until(async () => (await costed(sg, MODELS)).fetches === 1, 'a read to reach the models subgraph', 5000);
    const bypassed = await outcomes(sg, 'bypass');
    const costs = [];
    for (let i = 0; i < 3; i++) costs.push((await costed(sg, MODELS)).fetches);
    expect(costs).toEqual([1, 1, 1]);
    expect(await outcomes(sg, 'bypass')).toBe(bypassed + 3);
    split.allow();
    await cached(sg, MODELS);
  });

  it('is bypassed once its subscription goes silent without closing (RESPONSE_CACHE_KEEPALIVE_MS)', async () => {
    const silent = await startFreezingProxy(new URL(stack.models.url).host);
    extra.push(silent);
    const sg = await another({ MODELS_URL: (await proxy(`http://${silent.address}/graphql`)).url, RESPONSE_CACHE_KEEPALIVE_MS: '200' });
    await cached(sg, MODELS);
    silent.freeze();
    // Nothing closes: only the unanswered ping tells the supergraph its change feed is gone. (Well before the answer's
    // max-age of 10 s, past which a read would reach the subgraph anyway.)
    await until(async () => (await costed(sg, MODELS)).fetches === 1, 'a read to reach the models subgraph', 5000);
  });

  it("is bypassed once the models subgraph's copy goes stale, which ends its modelChanged", async () => {
    const own = await startInference();
    const staling = await startModels(own, { CATALOG_MAX_STALENESS_MS: '300' });
    extra.push(staling, own);
    const sg = await another({ MODELS_URL: staling.url });
    await cached(sg, MODELS);
    await own.close();
    let answer: GraphQLResponse | undefined;
    await until(
      async () => {
        const read = await costed<Record<string, unknown>>(sg, MODELS);
        answer = read.answer;
        return read.fetches === 1;
      },
      'a read to reach the models subgraph',
      5000,
    );
    expect(answer?.errors?.[0]?.extensions).toMatchObject({ code: 'INFERENCE_UNAVAILABLE' });
  });

  it('subscribes signed when SUBGRAPH_SECRET is set: the models subgraph takes it, and the cache serves', async () => {
    const secret = { SUBGRAPH_SECRET: 'subgraph-secret-for-tests-0123456789' };
    const signed = await startModels(stack.prediction.inference, secret);
    extra.push(signed);
    const sg = await another({ ...secret, MODELS_URL: signed.url });
    await cached(sg, MODELS);
  });
});
