import { startStack, startSupergraphFor } from '../../test/helpers/stack';
import type { Stack } from '../../test/helpers/stack';
import type { Supergraph } from './server';

const KEY = 'key-of-the-reader-0123456789';

/** An operation spreading F0, each fragment spreading the next, `length` fragments in all. */
const chain = (length: number): string =>
  '{ ...F0 } ' +
  Array.from({ length }, (_, i) =>
    i === length - 1 ? `fragment F${i} on Query { __typename }` : `fragment F${i} on Query { ...F${i + 1} }`,
  ).join(' ');

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return {
    status: res.status,
    connection: res.headers.get('connection'),
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] },
  };
}

describe('the supergraph before Apollo Server', () => {
  let stack: Stack;
  const sibling = (env: Record<string, string>): Promise<Supergraph> =>
    startSupergraphFor(stack, { API_KEYS: `reader=${KEY}:reader`, ...env });
  beforeAll(async () => {
    stack = await startStack({ supergraphEnv: { API_KEYS: `reader=${KEY}:reader`, MAX_TOKENS: '100' } });
  });
  afterAll(() => stack.close());

  it('answers a caller without valid credentials from its headers alone: its body is never read, parsed or validated', async () => {
    // Not JSON, not GraphQL: read or parsed first, either would be a 400.
    for (const body of ['{ not json', JSON.stringify({ query: '{ models { ' })]) {
      expect(await post(stack.supergraph.url, body, { 'x-api-key': 'wrong' })).toMatchObject({
        status: 401,
        body: { errors: [{ message: 'the API key is not known', extensions: { code: 'UNAUTHENTICATED' } }] },
      });
    }
    // 1 MB of operation, far past MAX_OPERATION_BYTES and MAX_TOKENS: still only the missing credentials are told.
    const big = JSON.stringify({ query: `{ ${'__typename '.repeat(95_000)}}` });
    expect(await post(stack.supergraph.url, big)).toMatchObject({
      status: 401,
      connection: 'close',
      body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] },
    });
    // The connection closed with the unread body; the next request is answered on a new one.
    expect((await stack.query('{ models { name } }', {}, { 'x-api-key': KEY })).status).toBe(200);
  });

  it('counts MAX_TOKENS tokens before parsing: exactly the limit is answered, one more is QUERY_TOO_COMPLEX', async () => {
    const names = (n: number): string => JSON.stringify({ query: `{ ${'__typename '.repeat(n)}}` });
    expect(await post(stack.supergraph.url, names(98), { 'x-api-key': KEY })).toMatchObject({
      status: 200,
      body: { data: { __typename: 'Query' } },
    });
    expect(await post(stack.supergraph.url, names(99), { 'x-api-key': KEY })).toMatchObject({
      status: 400,
      body: {
        errors: [
          {
            message: 'the operation has more than 100 tokens; at most 100 are allowed (MAX_TOKENS)',
            extensions: { code: 'QUERY_TOO_COMPLEX' },
          },
        ],
      },
    });
    const get = await fetch(`${stack.supergraph.url}?query=${encodeURIComponent(`{ ${'__typename '.repeat(99)}}`)}`, {
      headers: { 'x-api-key': KEY, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(400);
  });

  it('counts aliases of introspection fields against MAX_ALIASES', async () => {
    const aliased = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const gateway = await sibling({ MAX_ALIASES: '3' });
    try {
      expect((await post(gateway.url, JSON.stringify({ query: aliased(3) }), { 'x-api-key': KEY })).status).toBe(200);
      expect(await post(gateway.url, JSON.stringify({ query: aliased(4) }), { 'x-api-key': KEY })).toMatchObject({
        status: 400,
        body: {
          errors: [
            { message: 'the operation has 4 aliases; at most 3 are allowed (MAX_ALIASES)', extensions: { code: 'QUERY_TOO_COMPLEX' } },
          ],
        },
      });
      const schemas = JSON.stringify({ query: '{ a: __schema { b: queryType { name } } c: __schema { d: queryType { name } } }' });
      expect((await post(gateway.url, schemas, { 'x-api-key': KEY })).body.errors?.[0]?.message).toBe(
        'the operation has 4 aliases; at most 3 are allowed (MAX_ALIASES)',
      );
    } finally {
      await gateway.close();
    }
  });

  it('answers introspection only with INTROSPECTION on', async () => {
    const gateway = await sibling({ INTROSPECTION: 'false' });
    const schema = JSON.stringify({ query: '{ __schema { queryType { name } } }' });
    try {
      expect((await post(stack.supergraph.url, schema, { 'x-api-key': KEY })).body).toEqual({
        data: { __schema: { queryType: { name: 'Query' } } },
      });
      const refused = await post(gateway.url, schema, { 'x-api-key': KEY, accept: 'application/graphql-response+json' });
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]).toMatchObject({
        message: expect.stringContaining('introspection is not allowed'),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      expect((await post(gateway.url, JSON.stringify({ query: '{ models { name } }' }), { 'x-api-key': KEY })).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('answers a chain of 20 000 fragments QUERY_TOO_COMPLEX (MAX_NESTING), not a stack overflow, even with the size limits raised', async () => {
    const gateway = await sibling({ MAX_BODY_BYTES: '16777216', MAX_OPERATION_BYTES: '10485760', MAX_TOKENS: '10000000' });
    try {
      expect(await post(gateway.url, JSON.stringify({ query: chain(20_000) }), { 'x-api-key': KEY })).toMatchObject({
        status: 400,
        body: {
          errors: [{ message: expect.stringContaining('at most 64 is allowed (MAX_NESTING)'), extensions: { code: 'QUERY_TOO_COMPLEX' } }],
        },
      });
      expect(await post(gateway.url, JSON.stringify({ query: chain(63) }), { 'x-api-key': KEY })).toMatchObject({
        status: 200,
        body: { data: { __typename: 'Query' } },
      });
    } finally {
      await gateway.close();
    }
  });

  it("spends the address's rate-limit tokens on failed authentication: 120 bad keys end in 429", async () => {
    // A bucket of 60 for this address alone, refilled at one a minute: none comes back while the test runs.
    const gateway = await sibling({ RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_BURST: '60' });
    try {
      const answers = [];
      for (let i = 0; i < 120; i += 1)
        answers.push(await post(gateway.url, JSON.stringify({ query: '{ models { name } }' }), { 'x-api-key': `guess-${i}` }));
      const statuses = answers.map((a) => a.status);
      expect(statuses.slice(0, 60)).toEqual(Array(60).fill(401));
      expect(statuses.slice(60)).toEqual(Array(60).fill(429));
      expect(answers[60]).toMatchObject({ status: 429, retryAfter: '60', body: { errors: [{ extensions: { code: 'RATE_LIMITED' } }] } });
      // The key holder has a bucket of its own.
      expect((await post(gateway.url, JSON.stringify({ query: '{ models { name } }' }), { 'x-api-key': KEY })).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});
