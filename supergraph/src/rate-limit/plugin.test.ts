import { startStack } from '../../../test/helpers/stack';
import type { Stack } from '../../../test/helpers/stack';

const KEY_A = 'key-of-team-a-0123456789';
const KEY_B = 'key-of-team-b-0123456789';

describe('rate limits at the supergraph', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      supergraphEnv: { API_KEYS: `a=${KEY_A}:reader,b=${KEY_B}:reader`, RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '3' },
    });
  });
  afterAll(() => stack.close());

  it('answers RATE_LIMITED (429, Retry-After) past a caller\'s burst, and leaves other callers alone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await stack.query('{ models { name } }', {}, { 'x-api-key': KEY_A })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const res = await fetch(stack.supergraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY_A },
      body: JSON.stringify({ query: '{ models { name } }' }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string; retryAfterSeconds: number } }[] };
    expect(body.errors[0]).toMatchObject({ message: 'too many operations; retry in 1 s (RATE_LIMIT_PER_MINUTE)', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 } });

    expect((await stack.query('{ models { name } }', {}, { 'x-api-key': KEY_B })).status).toBe(200);
  });

  it('lets the caller in again once a token has refilled', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    expect((await stack.query('{ models { name } }', {}, { 'x-api-key': KEY_A })).status).toBe(200);
  });
});
