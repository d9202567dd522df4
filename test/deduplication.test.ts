/**
 * In-flight deduplication of subgraph fetches (SUBGRAPH_DEDUPLICATION), over
 * the real stack with signed subgraph requests: a proxy in front of the models
 * subgraph holds its requests, so fetches that could share are in flight
 * together, and counts what reaches the subgraph. Sharing is counted in
 * requests, never inferred from time.
 */
import { until } from '../lib/until';
import { graphql } from '../stack/graphql-client';
import type { GraphQLResponse } from '../stack/graphql-client';
import { metricValue } from '../stack/prometheus';
import type { Supergraph } from '../supergraph/src/index';
import { startHoldingProxy } from './helpers/holding-proxy';
import type { HoldingProxy } from './helpers/holding-proxy';
import { startStack, startSupergraphFor } from './helpers/stack';
import type { Stack } from './helpers/stack';

const SECRET = 'subgraph-secret-for-tests-0123456789';
const KEYS = {
  admin: 'admin-key-0123456789abc',
  predictor: 'predictor-key-0123456789',
  dash: 'dash-key-0123456789ab',
  board: 'board-key-0123456789a',
};
const API_KEYS = `ops=${KEYS.admin}:admin+reader,app=${KEYS.predictor}:predictor,dash=${KEYS.dash}:reader,board=${KEYS.board}:reader`;
const MODELS = '{ models { name defaultVersion versions { version loaded } } }';
const POLICY = 'mutation { setTrafficPolicy(input: { model: "numeric", clearCanary: true }) { name canary { version } } }';
const PREDICT_WITH_MODEL = 'mutation ($input: PredictInput!) { predict(input: $input) { modelVersion model { name defaultVersion } } }';
const N = 12;

describe('in-flight deduplication of subgraph fetches', () => {
  let stack: Stack;
  let proxy: HoldingProxy;
  let sharing: Supergraph;
  let notSharing: Supergraph;

  const start = (dedup: boolean): Promise<Supergraph> =>
    startSupergraphFor(stack, {
      MODELS_URL: proxy.url,
      SUBGRAPH_SECRET: SECRET,
      API_KEYS,
      RATE_LIMIT_PER_MINUTE: '0',
      SUBGRAPH_DEDUPLICATION: String(dedup),
      // Every query here must reach the subgraphs: answered from the response cache, there would be nothing to share.
      RESPONSE_CACHE: 'false',
    });

  beforeAll(async () => {
    const env = { SUBGRAPH_SECRET: SECRET };
    stack = await startStack({ predictionEnv: env, modelsEnv: env, supergraphEnv: { ...env, API_KEYS } });
    proxy = await startHoldingProxy(stack.models.url);
    [sharing, notSharing] = await Promise.all([start(true), start(false)]);
  });
  afterAll(async () => {
    await Promise.all([sharing.close(), notSharing.close()]);
    await proxy.close();
    await stack.close();
  });

  const shared = async (supergraph: Supergraph): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${supergraph.metricsPort}/metrics`)).text();
    return metricValue(text, 'infergraph_subgraph_fetches_shared_total', { subgraph: 'models' }) ?? 0;
  };
  const send = (supergraph: Supergraph, query: string, key: string, variables: Record<string, unknown> = {}) =>
    graphql(supergraph.url, query, variables, { 'x-api-key': key });

  /** Makes the calls while the proxy holds, waits for `ready`, releases, and returns the answers and the requests the subgraph got. */
  async function held(calls: () => Promise<GraphQLResponse>[], ready: () => Promise<boolean> | boolean, what: string) {
    const before = proxy.requests;
    proxy.hold();
    const answers = Promise.all(calls());
    try {
      await until(ready, what, 5000);
    } finally {
      proxy.release();
    }
    return { answers: await answers, requests: proxy.requests - before };
  }

  it('sends N identical queries in flight together as one request, and counts the N - 1 shared', async () => {
    const before = await shared(sharing);
    const { answers, requests } = await held(
      () => Array.from({ length: N }, () => send(sharing, MODELS, KEYS.dash)),
      async () => (await shared(sharing)) - before === N - 1,
      `${N - 1} fetches shared`,
    );
    expect(requests).toBe(1);
    const expected = await send(sharing, MODELS, KEYS.dash);
    expect(expected.data).toMatchObject({ models: expect.arrayContaining([expect.objectContaining({ name: 'numeric' })]) });
    for (const answer of answers) expect(answer).toEqual(expected);
  });

  it('with SUBGRAPH_DEDUPLICATION=false sends every one of them', async () => {
    const { answers, requests } = await held(
      () => Array.from({ length: N }, () => send(notSharing, MODELS, KEYS.dash)),
      () => proxy.held === N,
      `${N} requests at the models subgraph`,
    );
    expect(requests).toBe(N);
    expect(answers.every((a) => a.status === 200 && !a.errors)).toBe(true);
    expect(await shared(notSharing)).toBe(0);
  });

  it('never shares between callers whose identities differ, even with the same roles', async () => {
    const { answers, requests } = await held(
      () => [send(sharing, MODELS, KEYS.dash), send(sharing, MODELS, KEYS.board), send(sharing, MODELS, KEYS.admin)],
      () => proxy.held === 3,
      'a request per caller at the models subgraph',
    );
    expect(requests).toBe(3);
    expect(answers.every((a) => a.status === 200 && !a.errors)).toBe(true);
  });

  it('never shares identical mutations', async () => {
    const before = await shared(sharing);
    const { answers, requests } = await held(
      () => Array.from({ length: 4 }, () => send(sharing, POLICY, KEYS.admin)),
      () => proxy.held === 4,
      'every setTrafficPolicy at the models subgraph',
    );
    expect(requests).toBe(4);
    expect(answers.every((a) => a.status === 200 && !a.errors)).toBe(true);
    expect(await shared(sharing)).toBe(before);
  });

  it("shares a mutation's entity fetches to a subgraph it wrote nothing to: predict's Model fetch", async () => {
    const input = { model: 'numeric', features: [4, 5, 6] };
    await send(sharing, PREDICT_WITH_MODEL, KEYS.predictor, { input });
    const before = await shared(sharing);
    const { answers, requests } = await held(
      () => Array.from({ length: 4 }, () => send(sharing, PREDICT_WITH_MODEL, KEYS.predictor, { input })),
      async () => (await shared(sharing)) - before === 3,
      "3 predicts' Model entity fetches shared",
    );
    expect(requests).toBe(1);
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, data: { predict: { model: { name: 'numeric' } } } });
  });

  it("gives the shared request's failure to every caller that shared it", async () => {
    const before = await shared(sharing);
    const before502 = proxy.requests;
    proxy.hold();
    const answers = Promise.all(Array.from({ length: 5 }, () => send(sharing, MODELS, KEYS.dash)));
    try {
      await until(async () => (await shared(sharing)) - before === 4, '4 fetches shared', 5000);
    } finally {
      proxy.fail();
    }
    expect(proxy.requests - before502).toBe(1);
    for (const answer of await answers)
      expect(answer.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE' }) })]);
  });
});
