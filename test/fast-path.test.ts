/**
 * The supergraph's fast path (FAST_PATH_MAX_OPERATIONS) changes nothing a
 * client sees: two supergraphs over the same subgraphs, one with it and one
 * without, answer every request here alike (status, headers, body), and the
 * first says in its metrics which path each took. A proxy in front of the
 * prediction subgraph counts the requests reaching it: a mutation whose
 * answer has errors goes through Apollo Server with its fetch already made,
 * and must not reach the subgraph twice. That a registry write taking the
 * fast path still shows at the next read is the response cache's test
 * (supergraph/src/response-cache.test.ts).
 */
import { until } from '../lib/until';
import { metricValue } from '../stack/prometheus';
import type { Supergraph } from '../supergraph/src/index';
import { startHoldingProxy } from './helpers/holding-proxy';
import type { HoldingProxy } from './helpers/holding-proxy';
import { startStack, startSupergraphFor } from './helpers/stack';
import type { Stack } from './helpers/stack';

const SECRET = 'subgraph-secret-for-tests-0123456789';
const KEYS = { admin: 'admin-key-0123456789abc', predictor: 'predictor-key-0123456789', reader: 'reader-key-0123456789ab' };
const API_KEYS = `ops=${KEYS.admin}:admin+reader,app=${KEYS.predictor}:predictor,dash=${KEYS.reader}:reader`;
const PREDICT = 'mutation Fast($input: PredictInput!) { predict(input: $input) { modelVersion label classId canary routing } }';
const NUMERIC = { model: 'numeric', features: [1, 2, 3], cache: 'BYPASS' };

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function post(supergraph: Supergraph, body: unknown, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(supergraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const { date: _date, ...rest } = Object.fromEntries(res.headers);
  return { status: res.status, headers: rest, body: await res.text() };
}

async function fastPath(supergraph: Supergraph, outcome: 'ANSWERED' | 'REPLAYED'): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${supergraph.metricsPort}/metrics`)).text();
  return metricValue(text, 'infergraph_fast_path_operations_total', { outcome }) ?? 0;
}

describe('the fast path for mutations of a one-fetch plan', () => {
  let stack: Stack;
  let proxy: HoldingProxy;
  let fast: Supergraph;
  let apollo: Supergraph;

  beforeAll(async () => {
    const env = { SUBGRAPH_SECRET: SECRET };
    stack = await startStack({ predictionEnv: { ...env, MAX_TEXT_LENGTH: '64' }, modelsEnv: env, supergraphEnv: { ...env, API_KEYS } });
    proxy = await startHoldingProxy(stack.prediction.subgraph.url);
    const start = (maxOperations: string): Promise<Supergraph> =>
      startSupergraphFor(stack, {
        NODE_ENV: 'development',
        PREDICTION_URL: proxy.url,
        SUBGRAPH_SECRET: SECRET,
        API_KEYS,
        RATE_LIMIT_PER_MINUTE: '0',
        FAST_PATH_MAX_OPERATIONS: maxOperations,
        MAX_BATCH_ITEMS: '2',
      });
    [fast, apollo] = await Promise.all([start('256'), start('0')]);
  });
  afterAll(async () => {
    await Promise.all([fast.close(), apollo.close()]);
    await proxy.close();
    await stack.close();
  });

  /**
   * Sends `body` to the supergraph without the fast path, then twice to the one with it (the first run teaches it the
   * plan), and expects the three answers alike; returns the last one, the fast path's counters it moved, and the
   * requests the prediction subgraph got for it.
   */
  async function alike(body: unknown, headers: Record<string, string>) {
    const expected = await post(apollo, body, headers);
    await post(fast, body, headers);
    const [answered, replayed, requests] = [await fastPath(fast, 'ANSWERED'), await fastPath(fast, 'REPLAYED'), proxy.requests];
    const answer = await post(fast, body, headers);
    expect(answer).toEqual(expected);
    return {
      answer,
      answered: (await fastPath(fast, 'ANSWERED')) - answered,
      replayed: (await fastPath(fast, 'REPLAYED')) - replayed,
      requests: proxy.requests - requests,
    };
  }

  it('answers a predict on the fast path exactly as Apollo Server does, with one request to the subgraph', async () => {
    const run = await alike({ query: PREDICT, variables: { input: NUMERIC }, operationName: 'Fast' }, { 'x-api-key': KEYS.predictor });
    expect(run).toMatchObject({ answered: 1, replayed: 0, requests: 1 });
    expect(run.answer.status).toBe(200);
    expect(JSON.parse(run.answer.body)).toMatchObject({ data: { predict: { modelVersion: 'v1', routing: 'DEFAULT' } } });
    expect(run.answer.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  });

  it('answers in the media type the client accepts', async () => {
    const accept = { 'x-api-key': KEYS.predictor, accept: 'application/graphql-response+json' };
    const run = await alike({ query: PREDICT, variables: { input: NUMERIC } }, accept);
    expect(run.answered).toBe(1);
    expect(run.answer.headers['content-type']).toMatch(/^application\/graphql-response\+json/);
  });

  it('leaves a caller without the role, or variables that do not coerce, to Apollo Server', async () => {
    await post(fast, { query: PREDICT, variables: { input: NUMERIC } }, { 'x-api-key': KEYS.predictor });
    const forbidden = await alike({ query: PREDICT, variables: { input: NUMERIC } }, { 'x-api-key': KEYS.reader });
    expect(JSON.parse(forbidden.answer.body)).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    const badVariables = await alike(
      { query: PREDICT, variables: { input: { model: 'numeric', features: 'many' } } },
      {
        'x-api-key': KEYS.predictor,
      },
    );
    expect(JSON.parse(badVariables.answer.body)).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    for (const run of [forbidden, badVariables]) expect(run).toMatchObject({ answered: 0, replayed: 0, requests: 0 });
  });

  it('leaves an operationName that picks no remembered operation to Apollo Server, which refuses it before any fetch', async () => {
    const headers = { 'x-api-key': KEYS.predictor };
    await post(fast, { query: PREDICT, variables: { input: NUMERIC } }, headers);
    const empty = await alike({ query: PREDICT, variables: { input: NUMERIC }, operationName: '' }, headers);
    // A name and text that, joined with a newline, spell a remembered name and text: the gateway would not parse it.
    const text = 'mutation Nl($input: PredictInput!) {\n  predict(input: $input) { label }\n}';
    await post(fast, { query: text, variables: { input: NUMERIC }, operationName: 'Nl' }, headers);
    const [name, query] = [`Nl\n${text.slice(0, text.indexOf('\n'))}`, text.slice(text.indexOf('\n') + 1)];
    const spliced = await alike({ query, variables: { input: NUMERIC }, operationName: name }, headers);
    expect(JSON.parse(empty.answer.body)).toMatchObject({ errors: [{ extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] });
    expect(JSON.parse(spliced.answer.body)).toMatchObject({ errors: [{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    for (const run of [empty, spliced]) expect(run).toMatchObject({ answered: 0, replayed: 0, requests: 0 });
  });

  it('sends a variable named $__proto__ as the gateway does', async () => {
    const query = 'mutation Proto($__proto__: PredictInput!) { predict(input: $__proto__) { modelVersion label } }';
    const run = await alike(
      { query, variables: JSON.parse('{"__proto__": {"model": "numeric", "features": [1]}}') },
      {
        'x-api-key': KEYS.predictor,
      },
    );
    expect(run).toMatchObject({ answered: 1, requests: 1 });
    expect(JSON.parse(run.answer.body)).toMatchObject({ data: { predict: { modelVersion: 'v1' } } });
  });

  it('sends a subgraph error through Apollo Server with the fetch made once', async () => {
    const tooLong = { model: 'sentiment', text: 'x'.repeat(65), cache: 'BYPASS' };
    const run = await alike({ query: PREDICT, variables: { input: tooLong } }, { 'x-api-key': KEYS.predictor });
    expect(run).toMatchObject({ answered: 0, replayed: 1, requests: 1 });
    expect(JSON.parse(run.answer.body)).toMatchObject({ data: null, errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('sends a failed fetch through Apollo Server as SUBGRAPH_UNAVAILABLE, without retrying it', async () => {
    const body = { query: PREDICT, variables: { input: NUMERIC } };
    const headers = { 'x-api-key': KEYS.predictor };
    const failed = async (supergraph: Supergraph): Promise<Answer> => {
      proxy.hold();
      const answer = post(supergraph, body, headers);
      await until(() => proxy.held === 1, 'the predict held at the proxy', 5000);
      proxy.fail();
      return answer;
    };
    await post(fast, body, headers);
    const [replayed, requests] = [await fastPath(fast, 'REPLAYED'), proxy.requests];
    const answer = await failed(fast);
    expect(answer).toEqual(await failed(apollo));
    expect(JSON.parse(answer.body)).toMatchObject({ errors: [{ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] });
    expect((await fastPath(fast, 'REPLAYED')) - replayed).toBe(1);
    expect(proxy.requests - requests).toBe(2);
  });

  it('times an operation sent on through Apollo Server from when the fast path took it, its fetch included', async () => {
    const body = { query: PREDICT, variables: { input: NUMERIC }, operationName: 'Fast' };
    const headers = { 'x-api-key': KEYS.predictor };
    await post(fast, body, headers);
    const seconds = async (): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${fast.metricsPort}/metrics`)).text();
      return metricValue(text, 'infergraph_graphql_operation_duration_seconds_sum', { operation: 'Fast' }) ?? 0;
    };
    const before = await seconds();
    proxy.hold();
    const answer = post(fast, body, headers);
    await until(() => proxy.held === 1, 'the predict held at the proxy', 5000);
    // The fetch is held a while, so that leaving it out of the operation's time shows; the operation, which started
    // before the hold was seen and ends after it is released, must last at least as long as measured here.
    const heldFrom = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const heldSeconds = (performance.now() - heldFrom) / 1000;
    proxy.fail();
    expect(JSON.parse((await answer).body)).toMatchObject({ errors: [{ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] });
    expect((await seconds()) - before).toBeGreaterThanOrEqual(heldSeconds);
  });

  it('checks MAX_BATCH_ITEMS on every predictBatch, whose variables the fast path reads', async () => {
    const batch = 'mutation ($inputs: [PredictInput!]!) { predictBatch(inputs: $inputs) { __typename ... on Prediction { label } } }';
    const headers = { 'x-api-key': KEYS.predictor };
    const within = await alike({ query: batch, variables: { inputs: [NUMERIC, NUMERIC] } }, headers);
    expect(within).toMatchObject({ answered: 1, requests: 1 });
    const over = await alike({ query: batch, variables: { inputs: [NUMERIC, NUMERIC, NUMERIC] } }, headers);
    expect(JSON.parse(over.answer.body)).toMatchObject({ errors: [{ extensions: { code: 'QUERY_TOO_COMPLEX' } }] });
    expect(over).toMatchObject({ answered: 0, replayed: 0, requests: 0 });
  });

  it('checks the default of a batch variable left out, even one named like an Object method', async () => {
    const items = Array.from({ length: 3 }, () => '{ model: "numeric", features: [1] }').join(', ');
    const query = `mutation ($toString: [PredictInput!]! = [${items}]) { predictBatch(inputs: $toString) { __typename } }`;
    const headers = { 'x-api-key': KEYS.predictor };
    for (const body of [{ query, variables: {} }, { query }]) {
      const run = await alike(body, headers);
      expect(JSON.parse(run.answer.body)).toMatchObject({ errors: [{ extensions: { code: 'QUERY_TOO_COMPLEX' } }] });
      expect(run).toMatchObject({ answered: 0, replayed: 0, requests: 0 });
    }
  });

  it('leaves a request for the query plan (Apollo-Query-Plan-Experimental) to the gateway, which adds it', async () => {
    const run = await alike(
      { query: PREDICT, variables: { input: NUMERIC } },
      {
        'x-api-key': KEYS.predictor,
        'apollo-query-plan-experimental': '1',
      },
    );
    expect(JSON.parse(run.answer.body)).toMatchObject({ extensions: { __queryPlanExperimental: expect.any(String) } });
    expect(run.answered).toBe(0);
  });

  it('does not remember an operation text over FAST_PATH_MAX_OPERATION_BYTES', async () => {
    const long = `${PREDICT}\n# ${'x'.repeat(2048)}`;
    const run = await alike({ query: long, variables: { input: NUMERIC }, operationName: 'Fast' }, { 'x-api-key': KEYS.predictor });
    expect(run).toMatchObject({ answered: 0, replayed: 0, requests: 1 });
  });

  it('is never taken with FAST_PATH_MAX_OPERATIONS=0', async () => {
    const body = { query: PREDICT, variables: { input: NUMERIC }, operationName: 'Fast' };
    for (let i = 0; i < 2; i++) expect((await post(apollo, body, { 'x-api-key': KEYS.predictor })).status).toBe(200);
    expect((await fastPath(apollo, 'ANSWERED')) + (await fastPath(apollo, 'REPLAYED'))).toBe(0);
  });
});
