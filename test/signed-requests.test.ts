/**
 * Signed subgraph requests, at each edge, over real sockets: what an attacker
 * who captured one signed request between the supergraph and a subgraph can
 * do with it (nothing), and that the supergraph's own requests, subscriptions
 * included, still go through.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

import { CONTENT_DIGEST_HEADER, contentDigest, encodeIdentity, signSubscription } from '../lib/signing/message-signature';
import type { ModelsSubgraph } from '../subgraphs/models/src/index';
import { startModels } from './helpers/models';
import { describeRedis } from './helpers/redis';
import { deletePrefix, freshPrefix, redisUrl } from '../stack/redis';
import { send, signedRequest } from './helpers/signed';
import { sleep } from '../lib/until';
import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';

const SECRET = 'subgraph-secret-for-tests-0123456789';
const ADMIN_KEY = 'admin-key-0123456789abc';
const PREDICTOR_KEY = 'predictor-key-0123456789';
const ADMIN = { subject: 'ops', roles: ['admin', 'reader'] } as const;
const READER = { subject: 'dashboard', roles: ['reader'] } as const;
const POLICY = 'mutation { setTrafficPolicy(input: { model: "numeric", clearCanary: true }) { name } }';
const OTHER_POLICY = 'mutation { setTrafficPolicy(input: { model: "sentiment", clearCanary: true }) { name } }';
const MODELS = '{ models { name } }';
const WINDOW_MS = 60_000;

const refused = (message: string) => ({
  status: 401,
  errors: [{ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining(message) }],
});

describe('signed subgraph requests', () => {
  let stack: Stack;
  beforeAll(async () => {
    const env = { SUBGRAPH_SECRET: SECRET };
    stack = await startStack({
      predictionEnv: env,
      modelsEnv: env,
      supergraphEnv: { ...env, API_KEYS: `ops=${ADMIN_KEY}:admin+reader,app=${PREDICTOR_KEY}:predictor` },
    });
  });
  afterAll(() => stack.close());

  it('answers a fresh signed request, and the same request captured and replayed as it is gets 401', async () => {
    const captured = await signedRequest(stack.models.url, POLICY, ADMIN, SECRET);
    expect(await send(captured)).toMatchObject({ status: 200, data: { setTrafficPolicy: { name: 'numeric' } } });
    expect(await send(captured)).toMatchObject(refused('already used'));
  });

  it('refuses the captured headers with another body, whether or not the digest is made to fit', async () => {
    const captured = await signedRequest(stack.models.url, MODELS, ADMIN, SECRET);
    const body = JSON.stringify({ query: OTHER_POLICY, variables: {} });
    expect(await send(captured, { body })).toMatchObject(refused('does not match its content-digest'));
    expect(await send(captured, { body, headers: { ...captured.headers, [CONTENT_DIGEST_HEADER]: contentDigest(body) } })).toMatchObject(
      refused('signature does not match'),
    );
    // Neither attempt spent the nonce: the request as signed still goes through.
    expect(await send(captured)).toMatchObject({ status: 200, data: { models: expect.arrayContaining([{ name: 'numeric' }]) } });
  });

  it('refuses the captured request sent to another path, query string, method or subgraph', async () => {
    const captured = await signedRequest(stack.models.url, MODELS, READER, SECRET);
    expect(await send(captured, { url: `${stack.models.url}?op=models` })).toMatchObject(refused('signature does not match'));
    expect(await send(captured, { method: 'PUT' })).toMatchObject(refused('signature does not match'));
    expect(await send(captured, { url: stack.prediction.subgraph.url })).toMatchObject(refused('signature does not match'));
    const elsewhere = await signedRequest(stack.models.url.replace(/\/graphql$/, '/other'), MODELS, READER, SECRET);
    expect(await send(elsewhere, { url: stack.models.url })).toMatchObject(refused('signature does not match'));
    expect(await send(captured)).toMatchObject({ status: 200 });
  });

  it('refuses a signature created outside SUBGRAPH_SIGNATURE_WINDOW_MS, either way', async () => {
    const stale = await signedRequest(stack.models.url, MODELS, READER, SECRET, { now: Date.now() - WINDOW_MS - 2000 });
    expect(await send(stale)).toMatchObject(refused('SUBGRAPH_SIGNATURE_WINDOW_MS'));
    const ahead = await signedRequest(stack.models.url, MODELS, READER, SECRET, { now: Date.now() + WINDOW_MS + 2000 });
    expect(await send(ahead)).toMatchObject(refused('SUBGRAPH_SIGNATURE_WINDOW_MS'));
  });

  it('refuses missing components and unsigned identities before parsing the body', async () => {
    const captured = await signedRequest(stack.models.url, MODELS, ADMIN, SECRET);
    const { signature: _signature, ...unsigned } = captured.headers;
    expect(await send(captured, { headers: unsigned })).toMatchObject(refused('does not come from the supergraph'));
    const { [CONTENT_DIGEST_HEADER]: _digest, ...undigested } = captured.headers;
    expect(await send(captured, { headers: undigested })).toMatchObject(refused('content-digest'));
    // Not JSON at all: a parser would answer 400; the signature check answers first.
    expect(await send(captured, { body: '{"query": "{ models { name } ' })).toMatchObject(refused('content-digest'));
    const swapped = { ...captured.headers, 'x-infergraph-identity': encodeIdentity({ subject: 'mallory', roles: ['admin'] }) };
    expect(await send(captured, { headers: swapped })).toMatchObject(refused('signature does not match'));
  });

  it('still lets the supergraph through: an admin changes the traffic policy via the gateway, again and again', async () => {
    for (let i = 0; i < 3; i += 1) {
      const res = await stack.query(POLICY, {}, { 'x-api-key': ADMIN_KEY });
      expect(res).toMatchObject({ status: 200, data: { setTrafficPolicy: { name: 'numeric' } } });
    }
  });

  describe('graphql-ws subscribe messages to the prediction subgraph', () => {
    const QUERY = 'subscription ($m: String) { latencyEvents(model: $m) { cache } }';
    const wsUrl = (): string => stack.prediction.subgraph.url.replace(/^http/, 'ws');

    /** The first thing the subgraph answers to one subscribe message: its error code, or 'subscribed'. */
    async function subscribeWith(extensions: Record<string, string>, variables: Record<string, unknown>): Promise<string> {
      const client = createClient({ url: wsUrl(), webSocketImpl: WebSocket, retryAttempts: 0 });
      const answer = new Promise<string>((resolve) => {
        client.subscribe(
          { query: QUERY, variables, extensions },
          {
            next: (result) => resolve(result.errors ? String(result.errors[0]?.extensions?.code) : 'subscribed'),
            error: (err: unknown) =>
              resolve(Array.isArray(err) ? String((err[0] as { extensions?: { code?: unknown } }).extensions?.code) : JSON.stringify(err)),
            complete: () => resolve('complete'),
          },
        );
      });
      // An accepted subscription says nothing until an event: predictions are made until one arrives.
      let answered = false;
      const poking = (async () => {
        while (!answered) {
          await stack.query(
            'mutation { predict(input: { model: "sentiment", text: "signed and sealed" }) { label } }',
            {},
            { 'x-api-key': PREDICTOR_KEY },
          );
          await sleep(20);
        }
      })();
      try {
        return await answer;
      } finally {
        answered = true;
        await poking;
        await client.dispose();
      }
    }

    it('accepts a signed subscribe message once; replayed, or with other variables, it is refused', async () => {
      const message = { query: QUERY, variables: { m: 'sentiment' } };
      const extensions = await signSubscription(wsUrl(), message, encodeIdentity(READER), SECRET);
      expect(await subscribeWith(extensions, message.variables)).toBe('subscribed');
      expect(await subscribeWith(extensions, message.variables)).toBe('UNAUTHENTICATED');
      const fresh = await signSubscription(wsUrl(), message, encodeIdentity(READER), SECRET);
      expect(await subscribeWith(fresh, { m: 'numeric' })).toBe('UNAUTHENTICATED');
      const stale = await signSubscription(wsUrl(), message, encodeIdentity(READER), SECRET, Date.now() - WINDOW_MS - 2000);
      expect(await subscribeWith(stale, message.variables)).toBe('UNAUTHENTICATED');
    });
  });
});

describe('SUBGRAPH_NONCE_MAX_ENTRIES', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ modelsEnv: { SUBGRAPH_SECRET: SECRET, SUBGRAPH_NONCE_MAX_ENTRIES: '2' } });
  });
  afterAll(() => stack.close());

  it('answers 503 OVERLOADED past the bound, rather than forget a nonce', async () => {
    for (let i = 0; i < 2; i += 1)
      expect(await send(await signedRequest(stack.models.url, MODELS, READER, SECRET))).toMatchObject({ status: 200 });
    const third = await send(await signedRequest(stack.models.url, MODELS, READER, SECRET));
    expect(third).toMatchObject({
      status: 503,
      errors: [{ extensions: { code: 'OVERLOADED' }, message: expect.stringContaining('SUBGRAPH_NONCE_MAX_ENTRIES') }],
    });
  });
});

describeRedis('signed requests with Redis', () => {
  let stack: Stack;
  const replicas: ModelsSubgraph[] = [];
  const prefix = freshPrefix();
  beforeAll(async () => {
    stack = await startStack();
    const env = { SUBGRAPH_SECRET: SECRET, REDIS_URL: redisUrl(), REDIS_PREFIX: prefix };
    replicas.push(await startModels(stack.prediction.inference, env), await startModels(stack.prediction.inference, env));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await stack.close();
    await deletePrefix(prefix);
  });

  it('a request answered by one replica is refused as a replay by another sharing Redis', async () => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error('two replicas did not start');
    const captured = await signedRequest(a.url, POLICY, ADMIN, SECRET);
    expect(await send(captured)).toMatchObject({ status: 200, data: { setTrafficPolicy: { name: 'numeric' } } });
    // Same Host header and path as the first replica, so only the shared nonce tells them apart.
    expect(await send(captured, { url: b.url, headers: { ...captured.headers, host: new URL(a.url).host } })).toMatchObject(
      refused('already used'),
    );
  });
});
