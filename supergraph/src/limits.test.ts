import { getIntrospectionQuery } from 'graphql';

import { metricValue } from '../../test/helpers/metrics';
import { wsClient } from '../../test/helpers/graphql';
import { startStack } from '../../test/helpers/stack';
import type { Stack } from '../../test/helpers/stack';

const LIMITS = { MAX_QUERY_DEPTH: '3', MAX_ALIASES: '3', MAX_QUERY_COST: '10', MAX_BATCH_ITEMS: '6', MAX_OPERATION_BYTES: '1000' };

function batch(n: number): string {
  return `[${Array.from({ length: n }, (_, i) => `{ model: "sentiment", text: "t${i}" }`).join(', ')}]`;
}

describe('operation limits at the supergraph', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ supergraphEnv: LIMITS });
  });
  afterAll(() => stack.close());

  async function subgraphOperations(): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${stack.prediction.inference.server.metricsPort}/metrics`)).text();
    return ['PredictBatchStream', 'ListModels'].reduce((sum, method) => sum + (metricValue(text, 'infergraph_inference_rpcs_total', { method, code: 'OK' }) ?? 0), 0);
  }

  it.each([
    ['4 fields deep through a fragment (MAX_QUERY_DEPTH=3)', 'mutation { predict(input: { model: "sentiment", text: "x" }) { ...P } } fragment P on Prediction { model { versions { version } } }', 'the operation is 4 fields deep; at most 3'],
    ['4 aliases (MAX_ALIASES=3)', '{ a: models { name } b: models { name } c: models { name } d: models { name } }', 'aliases; at most 3'],
    ['a predictBatch of 7 (MAX_BATCH_ITEMS=6)', `mutation { predictBatch(inputs: ${batch(7)}) { __typename } }`, 'a predictBatch has 7 inputs; at most 6'],
    ['a cost of 12 (MAX_QUERY_COST=10)', `mutation { a: predictBatch(inputs: ${batch(6)}) { __typename } b: predictBatch(inputs: ${batch(6)}) { __typename } }`, 'costs 12 predictions; at most 10'],
  ])('refuses %s with QUERY_TOO_COMPLEX before any subgraph is called', async (_name, query, message) => {
    const before = await subgraphOperations();
    const res = await stack.query(query);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringContaining(message), extensions: { code: 'QUERY_TOO_COMPLEX' } });
    expect(await subgraphOperations()).toBe(before);
  });

  it('accepts exactly the limits', async () => {
    const depth3 = await stack.query('{ models { ...M } } fragment M on Model { versions { version } }');
    expect(depth3.errors).toBeUndefined();
    const aliases3 = await stack.query('{ a: models { name } b: models { name } c: models { name } }');
    expect(aliases3.errors).toBeUndefined();
    const batch6 = await stack.query(`mutation { predictBatch(inputs: ${batch(6)}) { __typename } }`);
    expect(batch6.errors).toBeUndefined();
  });

  it('lets introspection through, however deep its type references go', async () => {
    const res = await stack.query(getIntrospectionQuery().replace(/\s+/g, ' '));
    expect(res.errors).toBeUndefined();
  });

  it('counts predictBatch inputs given as a variable', async () => {
    const inputs = Array.from({ length: 7 }, (_, i) => ({ model: 'sentiment', text: `v${i}` }));
    const res = await stack.query('mutation ($inputs: [PredictInput!]!) { predictBatch(inputs: $inputs) { __typename } }', { inputs });
    expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses an operation longer than MAX_OPERATION_BYTES', async () => {
    const res = await stack.query(`{ models { name } } # ${'x'.repeat(1000)}`);
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringContaining('at most 1000 are allowed (MAX_OPERATION_BYTES)'), extensions: { code: 'QUERY_TOO_COMPLEX' } });
  });

  it('applies the limits to subscriptions too', async () => {
    const client = wsClient(stack.supergraph.url);
    try {
      const outcome = await new Promise<string>((resolve) => {
        client.subscribe(
          { query: 'subscription { latencyEvents { a: cache b: cache c: cache d: cache } }' },
          { next: (r) => resolve(JSON.stringify(r.errors)), error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
        );
      });
      expect(outcome).toContain('QUERY_TOO_COMPLEX');
    } finally {
      await client.dispose();
    }
  });
});
