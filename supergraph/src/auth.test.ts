import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

import { signJwt, verifyJwt } from '../../lib/auth';
import { IDENTITY_HEADER, encodeIdentity } from '../../lib/signing/message-signature';
import { ConfigError } from '../../lib/config';
import { graphql, liveSubscription } from '../../stack/graphql-client';
import { send, signedRequest } from '../../test/helpers/signed';
import { startStack } from '../../test/helpers/stack';
import type { Stack } from '../../test/helpers/stack';
import { until } from '../../lib/until';
import { loadSupergraphConfig } from './config';
import { EXPIRED_CLOSE } from './subscriptions/ws';

const SECRET = 'subgraph-secret-for-tests-0123456789';
const JWT_SECRET = 'jwt-secret-for-tests-0123456789abcdef';
const KEYS = {
  reader: 'reader-key-0123456789',
  predictor: 'predictor-key-0123456789',
  admin: 'admin-key-0123456789abc',
};
const API_KEYS = `dashboard=${KEYS.reader}:reader,app=${KEYS.predictor}:predictor,ops=${KEYS.admin}:admin+reader`;

const MODELS = '{ models { name } }';
const PREDICT = 'mutation { predict(input: { model: "sentiment", text: "secure and happy" }) { label model { defaultVersion } } }';
const POLICY = 'mutation { setTrafficPolicy(input: { model: "numeric", clearCanary: true }) { name } }';

describe('authentication and roles', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      predictionEnv: { SUBGRAPH_SECRET: SECRET },
      modelsEnv: { SUBGRAPH_SECRET: SECRET },
      supergraphEnv: { API_KEYS, JWT_SECRET, SUBGRAPH_SECRET: SECRET },
    });
  });
  afterAll(() => stack.close());

  const as = (key: string) => ({ 'x-api-key': key });

  it('answers UNAUTHENTICATED (401) without credentials or with a wrong key', async () => {
    for (const headers of [{}, as('not-a-key-0123456789'), { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const res = await stack.query(MODELS, {}, headers);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets each role do what it is for, and answers FORBIDDEN (403) for the rest', async () => {
    const outcome = async (query: string, key: string) => {
      const res = await stack.query(query, {}, as(key));
      return res.errors?.[0]?.extensions?.code ?? 'OK';
    };
    expect([await outcome(MODELS, KEYS.reader), await outcome(PREDICT, KEYS.reader), await outcome(POLICY, KEYS.reader)]).toEqual([
      'OK',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
    expect([await outcome(MODELS, KEYS.predictor), await outcome(PREDICT, KEYS.predictor), await outcome(POLICY, KEYS.predictor)]).toEqual([
      'FORBIDDEN',
      'OK',
      'FORBIDDEN',
    ]);
    expect([await outcome(MODELS, KEYS.admin), await outcome(PREDICT, KEYS.admin), await outcome(POLICY, KEYS.admin)]).toEqual([
      'OK',
      'FORBIDDEN',
      'OK',
    ]);
    const forbidden = await stack.query(PREDICT, {}, as(KEYS.reader));
    expect(forbidden.status).toBe(403);
    expect(forbidden.errors?.[0]?.message).toBe('predict needs the predictor role; dashboard has reader');
  });

  it('accepts HS256 JWTs with roles and an expiry, and refuses bad ones', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const good = await stack.query(PREDICT, {}, bearer(signJwt({ sub: 'user-1', roles: ['predictor'], exp }, JWT_SECRET)));
    expect(good.errors).toBeUndefined();
    const spaced = await stack.query(MODELS, {}, bearer(signJwt({ sub: 'user-2', roles: 'reader predictor', exp }, JWT_SECRET)));
    expect(spaced.errors).toBeUndefined();
    for (const [token, message] of [
      [signJwt({ sub: 'u', roles: ['reader'], exp: exp - 120 }, JWT_SECRET), 'the bearer token has expired'],
      [signJwt({ sub: 'u', roles: ['reader'], exp }, 'another-secret'), 'the bearer token has a bad signature'],
      [signJwt({ sub: 'u', roles: ['reader'] }, JWT_SECRET), 'the bearer token has no exp'],
      ['not.a.jwt', 'the bearer token is not a JWT'],
      ['bnVsbA.e30.x', 'the bearer token is not a JWT'],
    ] as const) {
      const res = await stack.query(MODELS, {}, bearer(token));
      expect(res.errors?.[0]).toMatchObject({ message, extensions: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('subgraphs accept only requests the supergraph signed, and enforce roles themselves', async () => {
    const direct = await graphql(stack.models.url, MODELS);
    expect(direct.errors?.[0]).toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
      message: expect.stringContaining('does not come from the supergraph'),
    });
    const unsigned = await graphql(
      stack.models.url,
      POLICY,
      {},
      { [IDENTITY_HEADER]: encodeIdentity({ subject: 'mallory', roles: ['admin'] }) },
    );
    expect(unsigned).toMatchObject({ status: 401, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    const forged = await send(
      await signedRequest(stack.models.url, POLICY, { subject: 'mallory', roles: ['admin'] }, 'guessed-secret-0123456789abcdefghijkl'),
    );
    expect(forged).toMatchObject({
      status: 401,
      errors: [{ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('another key') }],
    });
    const signedReader = await send(
      await signedRequest(
        stack.prediction.subgraph.url,
        PREDICT.replace(' model { defaultVersion }', ''),
        { subject: 'dashboard', roles: ['reader'] },
        SECRET,
      ),
    );
    expect(signedReader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('authenticates graphql-ws in connection_init: unknown callers are turned away, readers subscribe', async () => {
    const wsUrl = stack.supergraph.url.replace(/^http/, 'ws');
    const stranger = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { apiKey: 'wrong-key-0123456789' },
    });
    const refused = await new Promise<string>((resolve) => {
      stranger.subscribe(
        { query: 'subscription { latencyEvents { cache } }' },
        {
          next: () => resolve('event'),
          error: (e) => resolve(String((e as { code?: unknown }).code)),
          complete: () => resolve('complete'),
        },
      );
    });
    expect(refused).toBe('4403');
    await stranger.dispose();

    const reader = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { apiKey: KEYS.reader } });
    try {
      const iterator = await liveSubscription(reader, 'subscription { latencyEvents { cache model { defaultVersion } } }', () =>
        stack.query(PREDICT, {}, as(KEYS.predictor)),
      );
      await iterator.return?.();
    } finally {
      await reader.dispose();
    }
  });

  it('refuses to start in production without authentication', () => {
    expect(() => loadSupergraphConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadSupergraphConfig({ NODE_ENV: 'production', API_KEYS })).not.toThrow();
    expect(() => loadSupergraphConfig({ API_KEYS: 'app=short:reader' })).toThrow('API_KEYS');
    expect(() => loadSupergraphConfig({ API_KEYS: 'ops=replace-with-a-long-random-key:admin' })).toThrow('placeholder');
    expect(() => loadSupergraphConfig({ API_KEYS, SUBGRAPH_SECRET: 'too-short' })).toThrow('SUBGRAPH_SECRET');
  });
});

describe('JWT validity in time (verifyJwt with a clock of its own)', () => {
  const NOW = 1_800_000_000_000;
  const at = (seconds: number) => NOW / 1000 + seconds;
  const token = (claims: Record<string, unknown>) => signJwt({ sub: 'u', roles: ['reader'], ...claims }, JWT_SECRET);
  const verify = (jwt: string, now: number, skewMs: number) => {
    const result = verifyJwt(jwt, JWT_SECRET, 'roles', now, skewMs);
    return typeof result === 'string' ? result : 'OK';
  };

  it('honours exp up to the skew past it, and not a millisecond more', () => {
    const jwt = token({ exp: at(0) });
    expect(verify(jwt, NOW - 1, 0)).toBe('OK');
    expect(verify(jwt, NOW, 0)).toBe('the bearer token has expired');
    expect(verify(jwt, NOW + 29_999, 30_000)).toBe('OK');
    expect(verify(jwt, NOW + 30_000, 30_000)).toBe('the bearer token has expired');
    expect(verifyJwt(jwt, JWT_SECRET, 'roles', NOW, 30_000)).toMatchObject({ expiresAt: NOW + 30_000 });
  });

  it('refuses a token before its nbf, less the skew', () => {
    const jwt = token({ nbf: at(0), exp: at(3600) });
    expect(verify(jwt, NOW - 1, 0)).toBe('the bearer token is not valid yet (nbf)');
    expect(verify(jwt, NOW, 0)).toBe('OK');
    expect(verify(jwt, NOW - 30_001, 30_000)).toBe('the bearer token is not valid yet (nbf)');
    expect(verify(jwt, NOW - 30_000, 30_000)).toBe('OK');
    expect(verify(token({ nbf: 'soon', exp: at(3600) }), NOW, 0)).toBe('the bearer token has an nbf that is not a number');
  });

  it('reads JWT_CLOCK_SKEW_MS, 30 s unless set', () => {
    expect(loadSupergraphConfig({}).jwtClockSkewMs).toBe(30_000);
    expect(loadSupergraphConfig({ JWT_CLOCK_SKEW_MS: '0' }).jwtClockSkewMs).toBe(0);
    expect(() => loadSupergraphConfig({ JWT_CLOCK_SKEW_MS: '-1' })).toThrow('JWT_CLOCK_SKEW_MS');
  });
});

describe("JWTs against the supergraph's clock, over HTTP and graphql-ws", () => {
  const SKEW_MS = 5000;
  let stack: Stack;
  // The supergraph's clock runs this far ahead of the real one; each test moves it.
  let ahead = 0;
  beforeAll(async () => {
    stack = await startStack({
      supergraphEnv: { JWT_SECRET, JWT_CLOCK_SKEW_MS: String(SKEW_MS) },
      supergraphNow: () => Date.now() + ahead,
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    ahead = 0;
  });

  const seconds = () => Math.floor(Date.now() / 1000);
  const bearer = (claims: Record<string, unknown>) => `Bearer ${signJwt({ sub: 'clocked', roles: ['reader'], ...claims }, JWT_SECRET)}`;
  const over = async (authorization: string) => {
    const res = await stack.query(MODELS, {}, { authorization });
    return res.errors?.[0]?.message ?? 'OK';
  };

  it('takes a token over HTTP from nbf minus JWT_CLOCK_SKEW_MS until exp plus it', async () => {
    const start = seconds() + 60;
    const authorization = bearer({ nbf: start, exp: start + 60 });
    const real = Date.now();
    ahead = start * 1000 - SKEW_MS - real - 1000;
    expect(await over(authorization)).toBe('the bearer token is not valid yet (nbf)');
    ahead = start * 1000 - SKEW_MS - real + 1000;
    expect(await over(authorization)).toBe('OK');
    ahead = (start + 60) * 1000 + SKEW_MS - real - 1000;
    expect(await over(authorization)).toBe('OK');
    ahead = (start + 60) * 1000 + SKEW_MS - real + 1000;
    expect(await over(authorization)).toBe('the bearer token has expired');
  });

  function socketWith(authorization: string) {
    let closed: { code: number; reason: string } | undefined;
    const client = createClient({
      url: stack.supergraph.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      // The close is what the tests wait for: not an error to print.
      onNonLazyError: () => undefined,
      connectionParams: { authorization },
      on: {
        closed: (event) => {
          const { code, reason } = event as { code: number; reason: string };
          closed = { code, reason };
        },
      },
    });
    const run = (query: string) =>
      new Promise<string>((resolve) => {
        client.subscribe(
          { query },
          {
            next: (r) => resolve(r.errors ? String(r.errors[0]?.extensions?.code) : 'OK'),
            error: (e) => resolve(`closed ${String((e as { code?: unknown }).code)}`),
            complete: () => undefined,
          },
        );
      });
    return { client, run, closed: () => closed };
  }

  it('stops honouring a socket once the token that opened it has expired, even far ahead', async () => {
    // 30 days ahead: past the longest delay setTimeout takes, so the close must not fire at once.
    const exp = seconds() + 30 * 24 * 3600;
    const socket = socketWith(bearer({ exp }));
    try {
      expect(await socket.run(MODELS)).toBe('OK');
      expect(await socket.run(MODELS)).toBe('OK');
      ahead = exp * 1000 + SKEW_MS - Date.now() + 1000;
      expect(await socket.run(MODELS)).toBe('UNAUTHENTICATED');
      expect(socket.closed()).toBeUndefined();
    } finally {
      await socket.client.dispose();
    }
  });

  it('closes the socket with 4403 when the token expires, ending its subscriptions', async () => {
    const exp = seconds() + 3600;
    // To the supergraph, the token has 1.5 s left.
    ahead = exp * 1000 + SKEW_MS - Date.now() - 1500;
    const socket = socketWith(bearer({ exp }));
    try {
      expect(await socket.run(MODELS)).toBe('OK');
      const ended = socket.run('subscription { latencyEvents { cache } }');
      await until(() => socket.closed() !== undefined, 'the socket to close at the expiry of its token', 10_000);
      expect(socket.closed()).toEqual({ code: EXPIRED_CLOSE.code, reason: EXPIRED_CLOSE.reason });
      expect(await ended).toBe(`closed ${EXPIRED_CLOSE.code}`);
    } finally {
      await socket.client.dispose();
    }
  });
});
