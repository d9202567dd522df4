import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

import { IDENTITY_HEADER, SIGNATURE_HEADER, signIdentity, signJwt } from '../../lib/auth';
import { ConfigError } from '../../lib/config';
import { graphql, liveSubscription } from '../../test/helpers/graphql';
import { startStack } from '../../test/helpers/stack';
import type { Stack } from '../../test/helpers/stack';
import { loadSupergraphConfig } from './config';

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
    expect([await outcome(MODELS, KEYS.reader), await outcome(PREDICT, KEYS.reader), await outcome(POLICY, KEYS.reader)]).toEqual(['OK', 'FORBIDDEN', 'FORBIDDEN']);
    expect([await outcome(MODELS, KEYS.predictor), await outcome(PREDICT, KEYS.predictor), await outcome(POLICY, KEYS.predictor)]).toEqual(['FORBIDDEN', 'OK', 'FORBIDDEN']);
    expect([await outcome(MODELS, KEYS.admin), await outcome(PREDICT, KEYS.admin), await outcome(POLICY, KEYS.admin)]).toEqual(['OK', 'FORBIDDEN', 'OK']);
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
    expect(direct.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('does not come from the supergraph') });
    const forged = signIdentity({ subject: 'mallory', roles: ['admin'] }, 'guessed-secret');
    const withForged = await graphql(stack.models.url, POLICY, {}, { [IDENTITY_HEADER]: forged.identity, [SIGNATURE_HEADER]: forged.signature });
    expect(withForged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const reader = signIdentity({ subject: 'dashboard', roles: ['reader'] }, SECRET);
    const signedReader = await graphql(stack.prediction.subgraph.url, PREDICT.replace(' model { defaultVersion }', ''), {}, {
      [IDENTITY_HEADER]: reader.identity,
      [SIGNATURE_HEADER]: reader.signature,
    });
    expect(signedReader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('authenticates graphql-ws in connection_init: unknown callers are turned away, readers subscribe', async () => {
    const wsUrl = stack.supergraph.url.replace(/^http/, 'ws');
    const stranger = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { apiKey: 'wrong-key-0123456789' } });
    const refused = await new Promise<string>((resolve) => {
      stranger.subscribe({ query: 'subscription { latencyEvents { cache } }' }, { next: () => resolve('event'), error: (e) => resolve(String((e as { code?: unknown }).code)), complete: () => resolve('complete') });
    });
    expect(refused).toBe('4403');
    await stranger.dispose();

    const reader = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { apiKey: KEYS.reader } });
    try {
      const iterator = await liveSubscription(reader, 'subscription { latencyEvents { cache model { defaultVersion } } }', () => stack.query(PREDICT, {}, as(KEYS.predictor)));
      await iterator.return?.();
    } finally {
      await reader.dispose();
    }
  });

  it('stops honouring a socket once the token that opened it has expired', async () => {
    const token = signJwt({ sub: 'short-lived', roles: ['reader'], exp: Math.floor(Date.now() / 1000) + 2 }, JWT_SECRET);
    const client = createClient({ url: stack.supergraph.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization: `Bearer ${token}` } });
    const run = () =>
      new Promise<string>((resolve) => {
        client.subscribe({ query: '{ models { name } }' }, { next: (r) => resolve(r.errors ? String(r.errors[0]?.extensions?.code) : 'OK'), error: (e) => resolve(`error ${String((e as { code?: unknown }).code)} ${String((e as { reason?: unknown }).reason)} ${JSON.stringify(e)}`), complete: () => undefined });
      });
    try {
      expect(await run()).toBe('OK');
      await new Promise((r) => setTimeout(r, 2100));
      expect(await run()).toBe('UNAUTHENTICATED');
    } finally {
      await client.dispose();
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
