import { describeRedis } from '../../test/helpers/redis';
import { freshPrefix, redisUrl } from '../../stack/redis';
import { startStack, startSupergraphFor } from '../../test/helpers/stack';
import { loadSupergraphConfig } from './config';

describe('the supergraph to browsers', () => {
  it('keeps CSRF prevention on and answers CORS only for the configured origins', async () => {
    const stack = await startStack({ supergraphEnv: { CORS_ORIGINS: 'https://app.example.com' } });
    try {
      const url = stack.supergraph.url;
      const simpleGet = await fetch(`${url}?query=${encodeURIComponent('{ models { name } }')}`);
      expect(simpleGet.status).toBe(400);
      expect(await simpleGet.text()).toContain('CSRF');
      const withPreflightHeader = await fetch(`${url}?query=${encodeURIComponent('{ models { name } }')}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(withPreflightHeader.status).toBe(200);

      const preflight = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('x-api-key');
      const other = await fetch(url, {
        method: 'POST',
        headers: { origin: 'https://evil.example.com', 'content-type': 'application/json' },
        body: '{"query":"{ models { name } }"}',
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await stack.close();
    }
  });

  it('refuses an origin that is not one', () => {
    expect(() => loadSupergraphConfig({ CORS_ORIGINS: 'app.example.com' })).toThrow('CORS_ORIGINS');
  });
});

describeRedis('rate limits across supergraph replicas', () => {
  it('share one bucket per caller through Redis', async () => {
    // One token a minute: none refills while the four requests run, however slow the machine.
    const stack = await startStack({ supergraphEnv: { RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_MINUTE: '1' } });
    const prefix = freshPrefix();
    const env = {
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: prefix,
      RATE_LIMIT_BURST: '3',
      RATE_LIMIT_PER_MINUTE: '1',
    };
    const one = await startSupergraphFor(stack, env);
    const two = await startSupergraphFor(stack, env);
    try {
      const statuses: number[] = [];
      for (const gateway of [one, two, one, two]) {
        statuses.push(
          (
            await fetch(gateway.url, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: '{"query":"{ models { name } }"}',
            })
          ).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await one.close();
      await two.close();
      await stack.close();
    }
  });
});

describe('a subgraph that does not answer', () => {
  it('costs at most SUBGRAPH_TIMEOUT_MS and answers SUBGRAPH_UNAVAILABLE; a stopped one answers it at once', async () => {
    const stack = await startStack({ predictionEnv: { INFERENCE_DEADLINE_MS: '20000' }, supergraphEnv: { SUBGRAPH_TIMEOUT_MS: '400' } });
    try {
      // The message names SUBGRAPH_TIMEOUT_MS: the answer did not wait for the subgraph's own 20 s deadline.
      const hung = await stack.query('mutation { predict(input: { model: "sentiment", text: "simulate-timeout" }) { label } }');
      expect(hung.errors?.[0]).toMatchObject({
        message: expect.stringContaining('did not answer within 400 ms (SUBGRAPH_TIMEOUT_MS)'),
        extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
      });
      await stack.models.close();
      const down = await stack.query('{ models { name } }');
      expect(down.errors?.[0]).toMatchObject({
        message: expect.stringContaining('is unavailable'),
        extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
      });
    } finally {
      await stack.close();
    }
  });
});

describe('a request body past MAX_BODY_BYTES', () => {
  it('is answered 413 at the limit, and the connection closed so the next requests are not stuck behind the unread rest', async () => {
    const stack = await startStack({ supergraphEnv: { MAX_BODY_BYTES: '1024' } });
    const post = async (body: string) => {
      const res = await fetch(stack.supergraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(3000),
      });
      return { status: res.status, connection: res.headers.get('connection'), body: await res.json() };
    };
    const sized = (bytes: number): string => {
      const shell = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
      return JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(bytes - shell.length) } });
    };
    try {
      expect((await post(sized(1024))).body).toEqual({ data: { __typename: 'Query' } });
      expect(await post(sized(1025))).toEqual({
        status: 413,
        connection: 'close',
        body: { errors: [{ message: 'request body is larger than 1024 bytes', extensions: { code: 'BAD_REQUEST' } }] },
      });
      // Far more than the socket buffers hold: the client is still sending when the 413 goes out.
      expect((await post(sized(4_000_000))).status).toBe(413);
      for (let i = 0; i < 3; i += 1) expect((await post(sized(100))).body).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await stack.close();
    }
  });
});

describe('automatic persisted queries the supergraph cannot use', () => {
  it('are answered 400 BAD_REQUEST, not INTERNAL_SERVER_ERROR', async () => {
    const stack = await startStack();
    const post = async (persistedQuery: Record<string, unknown>) => {
      const res = await fetch(stack.supergraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery } }),
      });
      return { status: res.status, body: await res.json() };
    };
    try {
      expect(await post({ version: 1, sha256Hash: '0'.repeat(64) })).toEqual({
        status: 400,
        body: { errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }] },
      });
      expect(await post({ version: 2, sha256Hash: '0'.repeat(64) })).toEqual({
        status: 400,
        body: { errors: [{ message: 'Unsupported persisted query version', extensions: { code: 'BAD_REQUEST' } }] },
      });
    } finally {
      await stack.close();
    }
  });
});

describe('a subgraph that refuses the gateway', () => {
  it('is named with its HTTP status and SUBGRAPH_UNAVAILABLE; its URL and body stay in the gateway', async () => {
    // The subgraphs hold another secret than the supergraph: each answers the signed fetch with 401.
    const theirs = { SUBGRAPH_SECRET: 'subgraph-secret-of-the-subgraphs-0123' };
    const stack = await startStack({
      predictionEnv: theirs,
      modelsEnv: theirs,
      supergraphEnv: { SUBGRAPH_SECRET: 'subgraph-secret-of-the-gateway-012345' },
    });
    try {
      const res = await stack.query('{ models { name } }');
      expect(res.errors?.map((e) => ({ message: e.message, extensions: e.extensions }))).toEqual([
        { message: 'the subgraph models refused the request (HTTP 401)', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } },
      ]);
      expect(JSON.stringify(res)).not.toMatch(/127\.0\.0\.1|localhost|:\/\//);
    } finally {
      await stack.close();
    }
  });
});
