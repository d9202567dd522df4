import { getIntrospectionQuery, parse } from 'graphql';

import { liveSubscription, wsClient } from '../../stack/graphql-client';
import { startStack } from '../../test/helpers/stack';
import { checkOperationLimits } from './limits';
import type { Stack } from '../../test/helpers/stack';

const LIMITS = {
  MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
  MAX_QUERY_DEPTH: '3',
  MAX_ALIASES: '3',
  MAX_QUERY_COST: '10',
  MAX_BATCH_ITEMS: '6',
  MAX_OPERATION_BYTES: '1000',
};

function batch(n: number): string {
  return `[${Array.from({ length: n }, (_, i) => `{ model: "sentiment", text: "t${i}" }`).join(', ')}]`;
}

describe('operation limits at the supergraph', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ supergraphEnv: LIMITS });
  });
  afterAll(() => stack.close());

  /** Fetches the supergraph made to any subgraph so far (its own histogram counts every one). */
  async function subgraphOperations(): Promise<number> {
    const text = await (await fetch(stack.metricsUrl('supergraph'))).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('infergraph_subgraph_fetch_duration_seconds_count{'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  it.each([
    [
      '4 fields deep through a fragment (MAX_QUERY_DEPTH=3)',
      'mutation { predict(input: { model: "sentiment", text: "x" }) { ...P } } fragment P on Prediction { model { versions { version } } }',
      'the operation is 4 fields deep; at most 3',
    ],
    ['4 aliases (MAX_ALIASES=3)', '{ a: models { name } b: models { name } c: models { name } d: models { name } }', 'aliases; at most 3'],
    [
      'a predictBatch of 7 (MAX_BATCH_ITEMS=6)',
      `mutation { predictBatch(inputs: ${batch(7)}) { __typename } }`,
      'a predictBatch has 7 inputs; at most 6',
    ],
    [
      'a cost of 12 (MAX_QUERY_COST=10)',
      `mutation { a: predictBatch(inputs: ${batch(6)}) { __typename } b: predictBatch(inputs: ${batch(6)}) { __typename } }`,
      'costs 12 predictions; at most 10',
    ],
  ])('refuses %s with QUERY_TOO_COMPLEX before any subgraph is called', async (_name, query, message) => {
    const before = await subgraphOperations();
    const res = await stack.query(query);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringContaining(message), extensions: { code: 'QUERY_TOO_COMPLEX' } });
    expect(await subgraphOperations()).toBe(before);
  });

  // 4 fields deep (MAX_QUERY_DEPTH=3): the gateway would run it for an empty operationName, unchecked.
  const TOO_DEEP = 'mutation Deep { predict(input: { model: "sentiment", text: "x" }) { model { versions { version } } } }';
  it.each([
    ['an empty operationName', TOO_DEEP, '', 'Unknown operation named "".'],
    ['an operationName no operation has', TOO_DEEP, 'Nope', 'Unknown operation named "Nope".'],
    [
      'no operationName for two operations',
      `${TOO_DEEP} query Other { models { name } }`,
      undefined,
      'Must provide operation name if query contains multiple operations.',
    ],
  ])('refuses %s with OPERATION_RESOLUTION_FAILURE before any subgraph is called', async (_name, query, operationName, message) => {
    const before = await subgraphOperations();
    const res = await fetch(stack.supergraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, operationName }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] });
    expect(await subgraphOperations()).toBe(before);
  });

  it('accepts exactly the limits, and each operation it accepts is counted as subgraph fetches', async () => {
    const before = await subgraphOperations();
    const depth3 = await stack.query('{ models { ...M } } fragment M on Model { versions { version } }');
    expect(depth3.errors).toBeUndefined();
    const aliases3 = await stack.query('{ a: models { name } b: models { name } c: models { name } }');
    expect(aliases3.errors).toBeUndefined();
    const batch6 = await stack.query(`mutation { predictBatch(inputs: ${batch(6)}) { __typename } }`);
    expect(batch6.errors).toBeUndefined();
    // The count the refusals above are held to moves for what reaches a subgraph: 3 operations, 3 fetches at least.
    expect(await subgraphOperations()).toBeGreaterThanOrEqual(before + 3);
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
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringContaining('at most 1000 are allowed (MAX_OPERATION_BYTES)'),
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
  });

  it('answers a subscription sent over HTTP with a request error pointing to graphql-ws (400 as graphql-response+json, 200 as application/json)', async () => {
    const send = async (accept: string) => {
      const res = await fetch(stack.supergraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: 'subscription { latencyEvents { cache } }' }),
      });
      return { status: res.status, body: (await res.json()) as { errors: { message: string; extensions: { code: string } }[] } };
    };
    for (const [accept, status] of [
      ['application/graphql-response+json', 400],
      ['application/json', 200],
    ] as const) {
      const res = await send(accept);
      expect(res.status).toBe(status);
      expect(res.body.errors[0]).toMatchObject({ message: expect.stringContaining('graphql-ws'), extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it('caps the operations one graphql-ws connection may have open', async () => {
    const client = wsClient(stack.supergraph.url);
    const poke = () => stack.query('mutation { predict(input: { model: "sentiment", text: "capped", cache: BYPASS }) { label } }');
    try {
      // MAX_SUBSCRIPTIONS_PER_CONNECTION (2) subscriptions, each live (an event came), then one more.
      const live = [
        await liveSubscription(client, 'subscription { latencyEvents { cache } }', poke),
        await liveSubscription(client, 'subscription { latencyEvents { cache } }', poke),
      ];
      const third = await new Promise<string>((resolve) => {
        client.subscribe(
          { query: 'subscription { latencyEvents { cache } }' },
          { next: () => resolve('an event'), error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
        );
      });
      expect(third).toContain('MAX_SUBSCRIPTIONS_PER_CONNECTION');
      for (const events of live) await events.return?.();
    } finally {
      await client.dispose();
    }
  });

  it('frees the slot of a subscribe that fails validation, so failures never add up to RATE_LIMITED', async () => {
    const client = wsClient(stack.supergraph.url);
    const run = (query: string) =>
      new Promise<string>((resolve) => {
        client.subscribe(
          { query },
          {
            next: (r) => resolve(r.errors ? String(r.errors[0]?.extensions?.code) : 'OK'),
            error: (e) => resolve(String((e as { extensions?: { code?: unknown } }[])[0]?.extensions?.code)),
            complete: () => resolve('complete'),
          },
        );
      });
    try {
      // Three times MAX_SUBSCRIPTIONS_PER_CONNECTION (2) failures on one connection.
      for (const query of [
        'subscription { latencyEvents { nope } }',
        'subscription { nope }',
        '{ models { nope } }',
        'subscription { latencyEvents { cache nope } }',
        'subscription { latencyEvents { nope } }',
        '{ nope }',
      ]) {
        expect(await run(query)).toBe('GRAPHQL_VALIDATION_FAILED');
      }
      expect(await run('{ models { name } }')).toBe('OK');
      const events = await liveSubscription(client, 'subscription { latencyEvents { cache } }', () =>
        stack.query('mutation { predict(input: { model: "sentiment", text: "freed" }) { label } }'),
      );
      await events.return?.();
    } finally {
      await client.dispose();
    }
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

describe('operation limits against hostile documents', () => {
  const limits = { maxOperationBytes: 1_000_000, maxDepth: 12, maxAliases: 30, maxCost: 1000, maxBatchItems: 256 };

  it('measures fragments spread twice per level in linear time', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on Query { a: models { name } }` : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    // Spread out, 40 levels would be 2^40 selections: a walk that did that would never finish (the test's timeout).
    const error = checkOperationLimits(parse(`query Q { ...F0 }\n${fragments}`), 'Q', {}, limits);
    expect(error?.message).toContain('aliases');
  });

  it('counts a variable left out at its default, and a lone value as one item', () => {
    const items = Array.from({ length: 10 }, () => '{ model: "sentiment", text: "x" }').join(', ');
    const op = `mutation M($x: [PredictInput!]! = [${items}]) { a: predictBatch(inputs: $x) { __typename } b: predictBatch(inputs: $x) { __typename } }`;
    expect(checkOperationLimits(parse(op), 'M', {}, { ...limits, maxCost: 19 })?.message).toContain('costs 20 predictions');
    const lone = 'mutation L($x: [PredictInput!]!) { predictBatch(inputs: $x) { __typename } }';
    expect(checkOperationLimits(parse(lone), 'L', { x: { model: 'sentiment', text: 'y' } }, { ...limits, maxCost: 0 })?.message).toContain(
      'costs 1 prediction',
    );
  });

  it('takes the default of a variable left out even when it is named like an Object method', () => {
    const items = Array.from({ length: 3 }, () => '{ model: "sentiment", text: "x" }').join(', ');
    for (const name of ['toString', '__proto__', 'constructor']) {
      const op = `mutation M($${name}: [PredictInput!]! = [${items}]) { predictBatch(inputs: $${name}) { __typename } }`;
      expect(checkOperationLimits(parse(op), 'M', {}, { ...limits, maxBatchItems: 2 })?.message).toContain('has 3 inputs');
    }
  });
});
