import { MemoryNonceStore } from './memory-nonces';
import { nonceStoreContract } from './nonce-contract';

nonceStoreContract('memory', (maxEntries) => Promise.resolve(new MemoryNonceStore(maxEntries)));

describe('memory nonce store', () => {
  it('holds at most maxEntries unexpired nonces: one more is full, not a forgotten nonce', async () => {
    const store = new MemoryNonceStore(3, () => 0);
    for (const n of ['a', 'b', 'c']) expect(await store.claim(n, 1000)).toBe('fresh');
    expect(await store.claim('d', 1000)).toBe('full');
    // Every earlier nonce is still a replay: none was dropped to make room.
    for (const n of ['a', 'b', 'c']) expect(await store.claim(n, 1000)).toBe('replayed');
    expect(store.size).toBe(3);
  });

  it('makes room by forgetting expired nonces, at the edge of their TTL', async () => {
    let now = 0;
    const store = new MemoryNonceStore(2, () => now);
    expect(await store.claim('a', 1000)).toBe('fresh');
    now = 500;
    expect(await store.claim('b', 1000)).toBe('fresh');
    now = 999;
    expect(await store.claim('a', 1000)).toBe('replayed');
    expect(await store.claim('c', 1000)).toBe('full');
    now = 1000;
    expect(await store.claim('c', 1000)).toBe('fresh');
    expect(await store.claim('b', 1000)).toBe('replayed');
    expect(store.size).toBe(2);
  });
});
