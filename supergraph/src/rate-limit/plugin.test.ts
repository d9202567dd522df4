import { startStack } from '../../../test/helpers/stack';
import type { Stack } from '../../../test/helpers/stack';
import { until } from '../../../lib/until';

const KEY_A = 'key-of-team-a-0123456789';
const KEY_B = 'key-of-team-b-0123456789';
const KEY_C = 'key-of-team-c-0123456789';
const BURST = 3;

describe('rate limits at the supergraph', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      supergraphEnv: {
        API_KEYS: `a=${KEY_A}:reader,b=${KEY_B}:reader,c=${KEY_C}:reader`,
        RATE_LIMIT_PER_MINUTE: '60',
        RATE_LIMIT_BURST: String(BURST),
      },
    });
  });
  afterAll(() => stack.close());

  /** Operations of one caller until the first refusal; answers every status, the refusal last. */
  async function untilRefused(key: string): Promise<Response> {
    let refused: Response | undefined;
    await until(
      async () => {
        const res = await fetch(stack.supergraph.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ query: '{ models { name } }' }),
        });
        if (res.status === 429) refused = res;
        else expect(res.status).toBe(200);
        return refused !== undefined;
      },
      `a refusal for ${key}`,
      10_000,
    );
    return refused as Response;
  }

  it("answers RATE_LIMITED (429, Retry-After) past a caller's burst, and leaves other callers alone", async () => {
    // A token refills every second: on a slow machine one may come back before the refusal, never fewer than the burst.
    const statuses: number[] = [];
    for (let i = 0; i < BURST; i += 1) statuses.push((await stack.query('{ models { name } }', {}, { 'x-api-key': KEY_A })).status);
    expect(statuses).toEqual([200, 200, 200]);
    const res = await untilRefused(KEY_A);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string; retryAfterSeconds: number } }[] };
    expect(body.errors[0]).toMatchObject({
      message: 'too many operations; retry in 1 s (RATE_LIMIT_PER_MINUTE)',
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 },
    });

    expect((await stack.query('{ models { name } }', {}, { 'x-api-key': KEY_B })).status).toBe(200);
  });

  it('lets a refused caller in again once a token has refilled', async () => {
    await untilRefused(KEY_C);
    await until(
      async () => (await stack.query('{ models { name } }', {}, { 'x-api-key': KEY_C })).status === 200,
      'the caller let in again',
      10_000,
    );
  });
});
