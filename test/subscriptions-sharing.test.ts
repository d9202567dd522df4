/**
 * Subscription fan-out over the real stack with signed subgraph traffic: subscribers
 * of the same operation, variables and identity share one upstream subscription
 * (counted by the prediction subgraph's own gauge of open subscriptions) and one
 * `_entities` fetch per event (counted by the supergraph's histogram of subgraph
 * fetches, which counts every fetch, deduplicated or not). Counts, never time.
 */
import type { Client } from 'graphql-ws';

import { until } from '../lib/until';
import { wsClient } from '../stack/graphql-client';
import { metricValue } from '../stack/prometheus';
import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';

const SECRET = 'subgraph-secret-for-tests-0123456789';
const KEYS = {
  dash: 'dash-key-0123456789ab',
  board: 'board-key-0123456789a',
  ops: 'admin-key-0123456789abc',
  app: 'predictor-key-0123456789',
};
const API_KEYS = `dash=${KEYS.dash}:reader,board=${KEYS.board}:reader,ops=${KEYS.ops}:admin+reader,app=${KEYS.app}:predictor`;
/** `model { description }` is the models subgraph's: every event costs an `_entities` fetch. */
const EVENTS = 'subscription ($m: String) { latencyEvents(model: $m) { predictionId model { name description } } }';
const N = 6;

interface Event {
  readonly data?: { latencyEvents: { predictionId: string; model: { name: string; description: string } } } | null;
  readonly errors?: readonly { message: string; extensions?: { code?: string } }[];
}

interface Subscriber {
  readonly events: Event[];
  readonly ended: () => boolean;
  /** Unsubscribes, and answers once the supergraph has handled it (a query on the same socket came back after it). */
  leave(): Promise<void>;
  readonly client: Client;
}

describe('subscribers of the same operation share one upstream subscription', () => {
  let stack: Stack;
  let sequence = 0;
  const clients: Client[] = [];

  beforeAll(async () => {
    const env = { SUBGRAPH_SECRET: SECRET };
    stack = await startStack({ predictionEnv: env, modelsEnv: env, supergraphEnv: { ...env, API_KEYS, RATE_LIMIT_PER_MINUTE: '0' } });
  });
  // A test that failed halfway leaves nothing open for the next one.
  afterEach(async () => {
    await Promise.all(
      clients.splice(0).map(async (c) => {
        await c.dispose();
      }),
    );
    await until(async () => (await upstreams()) === 0 && (await atSubgraph()) === 0, 'every upstream subscription to close', 10_000);
  });
  afterAll(() => stack.close());

  const metrics = async (service: 'prediction' | 'supergraph'): Promise<string> => (await fetch(stack.metricsUrl(service))).text();
  /** latencyEvents subscriptions open at the prediction subgraph. */
  const atSubgraph = async (): Promise<number> => metricValue(await metrics('prediction'), 'infergraph_latency_subscribers', {}) ?? NaN;
  const upstreams = async (): Promise<number> =>
    metricValue(await metrics('supergraph'), 'infergraph_subscription_upstreams', { subgraph: 'prediction' }) ?? 0;
  /** Every fetch the supergraph made to the models subgraph, whatever its outcome. */
  const modelsFetches = async (): Promise<number> =>
    (await metrics('supergraph'))
      .split('\n')
      .filter((line) => line.startsWith('infergraph_subgraph_fetch_duration_seconds_count{') && line.includes('subgraph="models"'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);

  function subscribe(key: string, variables: Record<string, unknown>): Subscriber {
    const client = wsClient(stack.supergraph.url, { apiKey: key });
    clients.push(client);
    const events: Event[] = [];
    let ended = false;
    const unsubscribe = client.subscribe<Event['data']>(
      { query: EVENTS, variables },
      {
        next: (event) => events.push(event),
        error: (err) => {
          events.push({ errors: Array.isArray(err) ? (err as Event['errors']) : [{ message: String(err) }] });
          ended = true;
        },
        complete: () => (ended = true),
      },
    );
    return {
      events,
      ended: () => ended,
      client,
      leave: async () => {
        unsubscribe();
        // The socket carries messages in order: once this answer is back, the supergraph has handled the unsubscribe.
        await new Promise<void>((resolve, reject) =>
          client.subscribe({ query: '{ __typename }' }, { next: () => undefined, error: reject, complete: resolve }),
        );
      },
    };
  }

  /** Sends a `predict` of `model`; answers the prediction id its events carry. */
  async function predict(model: 'numeric' | 'sentiment'): Promise<string> {
    const id = `req-share-${(sequence += 1)}`;
    const input = model === 'numeric' ? `features: [${sequence}]` : 'text: "shared"';
    const res = await stack.query(
      `mutation { predict(input: { model: "${model}", ${input}, cache: BYPASS }) { id } }`,
      {},
      { 'x-api-key': KEYS.app, 'x-request-id': id },
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return `${id}:0`;
  }

  const heard = (subscriber: Subscriber, id: string): Event | undefined =>
    subscriber.events.find((e) => e.data?.latencyEvents.predictionId === id);

  /** Pokes until every subscriber has heard an event: each subscription is live upstream. */
  async function live(subscribers: readonly Subscriber[], model: 'numeric' | 'sentiment' = 'numeric'): Promise<void> {
    await until(
      async () => subscribers.every((s) => s.events.length > 0) || (await predict(model), false),
      'every subscriber to hear an event',
      15_000,
    );
  }

  /** Sends a `predict` and waits until each of `subscribers` heard it; answers the event each got. */
  async function everyoneHears(subscribers: readonly Subscriber[], model: 'numeric' | 'sentiment' = 'numeric'): Promise<Event[]> {
    const id = await predict(model);
    await until(() => subscribers.every((s) => heard(s, id)), `every subscriber to hear ${id}`, 10_000);
    return subscribers.map((s) => heard(s, id) as Event);
  }

  async function leaveAll(subscribers: readonly Subscriber[], base: number): Promise<void> {
    await Promise.all(subscribers.map((s) => s.leave()));
    await until(async () => (await atSubgraph()) === base, 'the upstream subscriptions to close', 10_000);
    expect(await upstreams()).toBe(0);
  }

  it('opens one upstream subscription for N subscribers and makes one entity fetch per event for all of them', async () => {
    const base = await atSubgraph();
    const subscribers = Array.from({ length: N }, () => subscribe(KEYS.dash, { m: 'numeric' }));
    await live(subscribers);
    expect(await atSubgraph()).toBe(base + 1);
    expect(await upstreams()).toBe(1);
    // Events come in order: once everyone heard this one, every earlier event is resolved.
    await everyoneHears(subscribers);
    const before = await modelsFetches();
    const events = await everyoneHears(subscribers);
    expect((await modelsFetches()) - before).toBe(1);
    expect(events[0]?.data?.latencyEvents.model).toEqual({ name: 'numeric', description: expect.any(String) });
    for (const event of events) expect(event).toEqual(events[0]);
    await leaveAll(subscribers, base);
  });

  it('opens an upstream subscription for each set of variables', async () => {
    const base = await atSubgraph();
    const numeric = [subscribe(KEYS.dash, { m: 'numeric' }), subscribe(KEYS.dash, { m: 'numeric' })];
    const sentiment = subscribe(KEYS.dash, { m: 'sentiment' });
    await live(numeric);
    await live([sentiment], 'sentiment');
    expect(await atSubgraph()).toBe(base + 2);
    expect(await upstreams()).toBe(2);
    await leaveAll([...numeric, sentiment], base);
  });

  it('never shares between callers whose identities differ, even with the same roles', async () => {
    const base = await atSubgraph();
    const subscribers = [
      subscribe(KEYS.dash, { m: 'numeric' }),
      subscribe(KEYS.board, { m: 'numeric' }),
      subscribe(KEYS.ops, { m: 'numeric' }),
    ];
    await live(subscribers);
    expect(await atSubgraph()).toBe(base + 3);
    await everyoneHears(subscribers);
    const before = await modelsFetches();
    await everyoneHears(subscribers);
    expect((await modelsFetches()) - before).toBe(3);
    await leaveAll(subscribers, base);
  });

  it('keeps the stream of the others when one subscriber leaves, and closes the upstream when the last leaves', async () => {
    const base = await atSubgraph();
    const [first, second, third] = [
      subscribe(KEYS.dash, { m: 'numeric' }),
      subscribe(KEYS.dash, { m: 'numeric' }),
      subscribe(KEYS.dash, { m: 'numeric' }),
    ];
    if (!first || !second || !third) throw new Error('three subscribers');
    await live([first, second, third]);
    expect(await atSubgraph()).toBe(base + 1);
    await first.leave();
    await second.leave();
    const id = (await everyoneHears([third]))[0]?.data?.latencyEvents.predictionId;
    expect(heard(first, id ?? '')).toBeUndefined();
    expect(third.ended()).toBe(false);
    expect(await atSubgraph()).toBe(base + 1);
    expect(await upstreams()).toBe(1);
    await third.leave();
    await until(async () => (await atSubgraph()) === base, 'the upstream subscription to close', 10_000);
    expect(await upstreams()).toBe(0);
  });
});

describe('a shared upstream subscription whose subgraph goes away', () => {
  it('ends every member with its error', async () => {
    const stack = await startStack();
    const clients = [wsClient(stack.supergraph.url), wsClient(stack.supergraph.url)];
    const streams = clients.map((client) => {
      const events: Event[] = [];
      const ended = new Promise<Event[]>((resolve) =>
        client.subscribe<Event['data']>(
          { query: EVENTS, variables: { m: 'numeric' } },
          {
            next: (event) => events.push(event),
            error: (err) => resolve([...events, { errors: [{ message: String(err) }] }]),
            complete: () => resolve(events),
          },
        ),
      );
      return { events, ended };
    });
    try {
      await until(
        async () =>
          streams.every((s) => s.events.length > 0) ||
          (await stack.query('mutation { predict(input: { model: "numeric", features: [1], cache: BYPASS }) { id } }'), false),
        'both subscribers to hear an event',
        15_000,
      );
      const upstreams = metricValue(await (await fetch(stack.metricsUrl('supergraph'))).text(), 'infergraph_subscription_upstreams', {
        subgraph: 'prediction',
      });
      expect(upstreams).toBe(1);
      await stack.prediction.subgraph.close();
      for (const events of await Promise.all(streams.map((s) => s.ended))) {
        expect(events.at(-1)?.errors?.[0]).toMatchObject({
          message: expect.stringContaining('the subscription to subgraph prediction ended'),
          extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
        });
      }
    } finally {
      await Promise.all(
        clients.map(async (c) => {
          await c.dispose();
        }),
      );
      await stack.close();
    }
  });
});
