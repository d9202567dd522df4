import { MemoryNonceStore } from './memory-nonces';
import { SIGNATURE_HEADER, SIGNATURE_INPUT_HEADER, encodeIdentity, signRequest, verifyRequest } from './message-signature';

const SECRET = 'subgraph-secret-for-tests-0123456789';
const URL_ = 'http://models.internal:4002/graphql';
const BODY = '{"query":"{ models { name } }"}';
const IDENTITY = { subject: 'ops', roles: ['admin'] } as const;
/** A whole second: `created` is in seconds, so the edges below are exact. */
const T = 1_800_000_000_000;
const WINDOW_MS = 60_000;

async function verifyAt(signedAt: number, checkedAt: number, nonces = new MemoryNonceStore(100)): Promise<string> {
  const headers = await signRequest({ method: 'POST', url: URL_, body: BODY }, encodeIdentity(IDENTITY), SECRET, signedAt);
  const result = await verifyRequest(
    { method: 'POST', url: URL_, body: BODY, headers },
    { secret: SECRET, windowMs: WINDOW_MS, nonces, now: checkedAt },
  );
  return 'status' in result ? result.message : `OK ${result.subject}`;
}

describe('verifyRequest against its own clock', () => {
  it('accepts a signature created up to SUBGRAPH_SIGNATURE_WINDOW_MS ago, and not a millisecond more', async () => {
    expect(await verifyAt(T, T + WINDOW_MS)).toBe('OK ops');
    expect(await verifyAt(T, T + WINDOW_MS + 1)).toContain('outside ±60000 ms (SUBGRAPH_SIGNATURE_WINDOW_MS)');
  });

  it('accepts a signature created up to the window ahead of this clock (a supergraph whose clock runs fast), and no further', async () => {
    expect(await verifyAt(T, T - WINDOW_MS)).toBe('OK ops');
    expect(await verifyAt(T, T - WINDOW_MS - 1)).toContain('SUBGRAPH_SIGNATURE_WINDOW_MS');
  });

  it('keeps the nonce for twice the window: the latest a signature could still be accepted', async () => {
    let now = T;
    const nonces = new MemoryNonceStore(100, () => now);
    const headers = await signRequest({ method: 'POST', url: URL_, body: BODY }, encodeIdentity(IDENTITY), SECRET, T + WINDOW_MS);
    const check = async (at: number): Promise<string> => {
      now = at;
      const result = await verifyRequest(
        { method: 'POST', url: URL_, body: BODY, headers },
        { secret: SECRET, windowMs: WINDOW_MS, nonces, now: at },
      );
      return 'status' in result ? result.message : 'OK';
    };
    // Created a window ahead of this clock, seen at once: good until two windows from now.
    expect(await check(T)).toBe('OK');
    expect(await check(T + 2 * WINDOW_MS - 1)).toContain('already used');
    expect(await check(T + 2 * WINDOW_MS + 1)).toContain('SUBGRAPH_SIGNATURE_WINDOW_MS');
  });

  it('claims no nonce for a request it refuses, and refuses two signatures at once', async () => {
    const nonces = new MemoryNonceStore(100);
    const headers = await signRequest({ method: 'POST', url: URL_, body: BODY }, encodeIdentity(IDENTITY), SECRET, T);
    const options = { secret: SECRET, windowMs: WINDOW_MS, nonces, now: T };
    expect(await verifyRequest({ method: 'GET', url: URL_, body: BODY, headers }, options)).toMatchObject({ status: 401 });
    expect(nonces.size).toBe(0);
    const second = await signRequest({ method: 'POST', url: URL_, body: BODY }, encodeIdentity(IDENTITY), SECRET, T);
    const doubled = {
      ...headers,
      [SIGNATURE_INPUT_HEADER]: `${headers[SIGNATURE_INPUT_HEADER] ?? ''}, ${(second[SIGNATURE_INPUT_HEADER] ?? '').replace(/^infergraph=/, 'other=')}`,
      [SIGNATURE_HEADER]: `${headers[SIGNATURE_HEADER] ?? ''}, ${(second[SIGNATURE_HEADER] ?? '').replace(/^infergraph=/, 'other=')}`,
    };
    expect(await verifyRequest({ method: 'POST', url: URL_, body: BODY, headers: doubled }, options)).toMatchObject({
      status: 401,
      message: 'the request must carry exactly one signature',
    });
    expect(await verifyRequest({ method: 'POST', url: URL_, body: BODY, headers }, options)).toEqual({ subject: 'ops', roles: ['admin'] });
  });
});
