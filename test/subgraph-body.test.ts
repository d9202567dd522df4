import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';

/** A JSON body of exactly `bytes` bytes asking for __typename. */
const bodyOf = (bytes: number): string => {
  const json = JSON.stringify({ query: '{ __typename }' });
  return json.slice(0, -1) + ' '.repeat(bytes - json.length) + '}';
};

async function post(url: string, body: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: await res.json() };
}

describe('the subgraphs read at most MAX_BODY_BYTES of a request', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ modelsEnv: { MAX_BODY_BYTES: '4096' } });
  });
  afterAll(() => stack.close());

  it('prediction: 1 MiB by default is answered, one byte more is 413', async () => {
    const url = stack.prediction.subgraph.url;
    expect(await post(url, bodyOf(1_048_576))).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    expect(await post(url, bodyOf(1_048_577))).toEqual({
      status: 413,
      body: { errors: [{ message: 'request body is larger than 1048576 bytes', extensions: { code: 'BAD_REQUEST' } }] },
    });
    // Far more than the socket holds: refused from its Content-Length, unread.
    expect((await post(url, bodyOf(16 * 1_048_576))).status).toBe(413);
  });

  it('models: as set, exactly the limit is answered, one byte more is 413', async () => {
    expect(await post(stack.models.url, bodyOf(4096))).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    expect((await post(stack.models.url, bodyOf(4097))).status).toBe(413);
  });
});
