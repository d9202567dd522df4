import { collect, liveSubscription, wsClient } from '../stack/graphql-client';
import { metricValue } from '../stack/prometheus';
import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';
import { until } from '../lib/until';

interface EventData {
  predictionId: string;
  latencyMs: number;
  modelVersion: string;
  model: { name: string; defaultVersion: string; canary: { percent: number } | null };
}

const EVENTS = 'subscription { latencyEvents { predictionId latencyMs modelVersion model { name defaultVersion canary { percent } } } }';

function poke(stack: Stack, model = 'sentiment') {
  return (i: number) =>
    stack.query(
      model === 'sentiment'
        ? `mutation { predict(input: { model: "sentiment", text: "warming up", cache: BYPASS }) { id } }`
        : `mutation { predict(input: { model: "numeric", features: [${i}], cache: BYPASS }) { id } }`,
      {},
      { 'x-request-id': `req-warm-${i}` },
    );
}

async function nextMatching<T>(
  iterator: AsyncIterableIterator<{ data?: T | null; errors?: unknown }>,
  match: (data: T) => boolean,
): Promise<T> {
  for await (const result of iterator) {
    if (result.data && match(result.data)) return result.data;
  }
  throw new Error('the subscription ended before the expected event');
}

async function subscribers(stack: Stack): Promise<number> {
  const text = await (await fetch(stack.metricsUrl('prediction'))).text();
  return metricValue(text, 'infergraph_latency_subscribers', {}) ?? Number.NaN;
}

describe('subscriptions through the supergraph', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('delivers latency events with the fields of the models subgraph filled for every event', async () => {
    const client = wsClient(stack.supergraph.url);
    try {
      await stack.query('mutation { setTrafficPolicy(input: { model: "sentiment", canary: { version: "v2", percent: 10 } }) { name } }');
      const iterator = await liveSubscription<{ latencyEvents: EventData }>(client, EVENTS, poke(stack));
      await stack.query(
        'mutation { predict(input: { model: "sentiment", text: "through the gateway", cache: BYPASS, routingKey: "k" }) { id } }',
        {},
        { 'x-request-id': 'req-sub-1' },
      );
      const event = await nextMatching(iterator, (d) => d.latencyEvents.predictionId === 'req-sub-1:0');
      expect(event.latencyEvents).toMatchObject({ model: { name: 'sentiment', defaultVersion: 'v1', canary: { percent: 10 } } });
      expect(event.latencyEvents.latencyMs).toBeGreaterThan(0);
      await iterator.return?.();
    } finally {
      await stack.query('mutation { setTrafficPolicy(input: { model: "sentiment", clearCanary: true }) { name } }');
      await client.dispose();
    }
  });

  it("serves the models subgraph's modelChanged too, each event a model after its change", async () => {
    const client = wsClient(stack.supergraph.url);
    const setCanary = (percent: number) =>
      stack.query(`mutation { setTrafficPolicy(input: { model: "numeric", canary: { version: "v2", percent: ${percent} } }) { name } }`);
    try {
      type Changed = { modelChanged: { name: string; canary: { percent: number } | null } };
      const query = 'subscription { modelChanged { name canary { percent } } }';
      const iterator = await liveSubscription<Changed>(client, query, (attempt) => setCanary(10 + (attempt % 10)));
      await setCanary(63);
      const event = await nextMatching(iterator, (d) => d.modelChanged.canary?.percent === 63);
      expect(event).toEqual({ modelChanged: { name: 'numeric', canary: { percent: 63 } } });
      await iterator.return?.();
    } finally {
      await stack.query('mutation { setTrafficPolicy(input: { model: "numeric", clearCanary: true }) { name } }');
      await client.dispose();
    }
  });

  it('honours variables, aliases, fragments, __typename and @include', async () => {
    const client = wsClient(stack.supergraph.url);
    try {
      const query = `subscription Watch($m: String, $withModel: Boolean!) {
        ev: latencyEvents(model: $m) { __typename ...Fields owner: model @include(if: $withModel) { name d: defaultVersion } }
      }
      fragment Fields on LatencyEvent { predictionId cache }`;
      const iterator = client.iterate<{ ev: Record<string, unknown> }>({
        query,
        variables: { m: 'numeric', withModel: true },
        operationName: 'Watch',
      });
      const first = iterator.next();
      let n = 0;
      let arrived = false;
      void first.then(() => (arrived = true));
      while (!arrived) {
        await poke(stack, 'numeric')(n++);
        await Promise.race([first, new Promise((r) => setTimeout(r, 100))]);
      }
      const result = await first;
      if (result.done) throw new Error('the subscription ended before its first event');
      expect(result.value.data?.ev).toEqual({
        __typename: 'LatencyEvent',
        predictionId: expect.stringMatching(/^req-warm-\d+:0$/),
        cache: 'BYPASS',
        owner: { name: 'numeric', d: 'v1' },
      });
      await iterator.return?.();
    } finally {
      await client.dispose();
    }
  });

  it('refuses variables of the wrong type at once', async () => {
    const client = wsClient(stack.supergraph.url);
    try {
      const outcome = await new Promise<string>((resolve) => {
        client.subscribe(
          { query: 'subscription ($m: String) { latencyEvents(model: $m) { predictionId } }', variables: { m: { not: 'a string' } } },
          {
            next: (result) => resolve(`next: ${JSON.stringify(result.errors)}`),
            error: (err) => resolve(`error: ${JSON.stringify(err)}`),
            complete: () => resolve('complete without an error'),
          },
        );
      });
      expect(outcome).toMatch(/^next: .*String cannot represent a non string value/);
    } finally {
      await client.dispose();
    }
  });

  it('answers a document that does not parse, does not validate or names no operation with an error for it alone, keeping the socket', async () => {
    const client = wsClient(stack.supergraph.url);
    const outcome = (query: string, operationName?: string) =>
      new Promise<string>((resolve) => {
        client.subscribe(
          { query, operationName },
          {
            next: (result) => resolve(`next: ${JSON.stringify(result)}`),
            error: (err) =>
              resolve(
                Array.isArray(err)
                  ? `error: ${(err as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code).join()}`
                  : `closed: ${String(err)}`,
              ),
            complete: () => resolve('complete without an error'),
          },
        );
      });
    try {
      expect(await outcome('')).toBe('error: GRAPHQL_PARSE_FAILED');
      expect(await outcome('subscription { latencyEvents { nope } }')).toBe('error: GRAPHQL_VALIDATION_FAILED');
      expect(await outcome('subscription A { latencyEvents { predictionId } }', 'B')).toBe('error: OPERATION_RESOLUTION_FAILURE');
      const [result] = await collect(client.iterate<{ models: { name: string }[] }>({ query: '{ models { name } }' }), 1);
      expect(result?.data?.models.length).toBeGreaterThan(0);
    } finally {
      await client.dispose();
    }
  });

  it('closes the upstream subscription when the client goes away', async () => {
    const before = await subscribers(stack);
    const client = wsClient(stack.supergraph.url);
    const iterator = await liveSubscription(client, EVENTS, poke(stack));
    expect(await subscribers(stack)).toBe(before + 1);
    await iterator.return?.();
    await client.dispose();
    await until(async () => (await subscribers(stack)) === before, 'the upstream subscription to close', 10_000);
  });

  it('serves queries and mutations sent over the socket too', async () => {
    const client = wsClient(stack.supergraph.url);
    try {
      const [result] = await collect(client.iterate<{ models: { name: string }[] }>({ query: '{ models { name } }' }), 1);
      expect(result?.data?.models.map((m) => m.name)).toEqual(['sentiment', 'numeric']);
    } finally {
      await client.dispose();
    }
  });
});

describe('a subscription whose subgraph goes away', () => {
  it('ends with a clear error instead of hanging', async () => {
    const stack = await startStack();
    const client = wsClient(stack.supergraph.url);
    try {
      const iterator = await liveSubscription(client, EVENTS, poke(stack));
      await stack.prediction.subgraph.close();
      const rest: { errors?: { message: string; extensions?: { code?: string } }[] }[] = [];
      for await (const result of iterator) rest.push(result as (typeof rest)[number]);
      const last = rest[rest.length - 1];
      expect(last?.errors?.[0]).toMatchObject({
        message: expect.stringContaining('the subscription to subgraph prediction ended'),
        extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
      });
    } finally {
      await client.dispose();
      await stack.close();
    }
  });
});
