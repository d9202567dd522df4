import { cacheContract, SAMPLE } from './contract';
import { MemoryCache } from './memory';
import type { CachedPrediction } from './cache';

/** A clock that only moves when the test says so. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_700_000_000_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

cacheContract('MemoryCache', () => {
  const clock = manualClock();
  const cache = new MemoryCache({ maxEntries: 100, now: clock.now });
  return Promise.resolve({
    cache,
    elapse: (ms: number) => {
      clock.advance(ms);
      return Promise.resolve();
    },
  });
});

function labelled(label: string): CachedPrediction {
  return { ...SAMPLE, label };
}

describe('MemoryCache', () => {
  it('evicts the least recently set entry once past maxEntries', async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.set('a', labelled('a'), 60);
    await cache.set('b', labelled('b'), 60);
    await cache.set('c', labelled('c'), 60);
    expect(cache.size).toBe(2);
    await expect(cache.get('a')).resolves.toBeUndefined();
    await expect(cache.get('b')).resolves.toEqual(labelled('b'));
    await expect(cache.get('c')).resolves.toEqual(labelled('c'));
  });

  it('counts a hit as a use: the entry read last is evicted last', async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    await cache.set('a', labelled('a'), 60);
    await cache.set('b', labelled('b'), 60);
    await cache.set('c', labelled('c'), 60);
    await cache.get('a');
    await cache.set('d', labelled('d'), 60);
    await expect(cache.get('b')).resolves.toBeUndefined();
    await cache.set('e', labelled('e'), 60);
    await expect(cache.get('c')).resolves.toBeUndefined();
    for (const key of ['a', 'd', 'e']) await expect(cache.get(key)).resolves.toEqual(labelled(key));
  });

  it('counts an overwrite as a use and does not grow', async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.set('a', labelled('a'), 60);
    await cache.set('b', labelled('b'), 60);
    await cache.set('a', labelled('a2'), 60);
    expect(cache.size).toBe(2);
    await cache.set('c', labelled('c'), 60);
    await expect(cache.get('b')).resolves.toBeUndefined();
    await expect(cache.get('a')).resolves.toEqual(labelled('a2'));
  });

  it('expires an entry exactly at its TTL and drops it when looked up', async () => {
    const clock = manualClock();
    const cache = new MemoryCache({ maxEntries: 10, now: clock.now });
    await cache.set('k', SAMPLE, 2);
    clock.advance(1999);
    await expect(cache.get('k')).resolves.toEqual(SAMPLE);
    clock.advance(1);
    await expect(cache.get('k')).resolves.toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('a read does not extend the TTL', async () => {
    const clock = manualClock();
    const cache = new MemoryCache({ maxEntries: 10, now: clock.now });
    await cache.set('k', SAMPLE, 1);
    clock.advance(900);
    await cache.get('k');
    clock.advance(100);
    await expect(cache.get('k')).resolves.toBeUndefined();
  });

  it('is empty after dispose', async () => {
    const cache = new MemoryCache({ maxEntries: 10 });
    await cache.set('k', SAMPLE, 60);
    await cache.dispose();
    expect(cache.size).toBe(0);
    await expect(cache.get('k')).resolves.toBeUndefined();
  });

  it('refuses a maxEntries that is not a whole number from 1 up, saying what is allowed', () => {
    for (const maxEntries of [0, -5, 2.5, Number.NaN]) {
      expect(() => new MemoryCache({ maxEntries })).toThrow(`MemoryCache maxEntries must be a whole number from 1 up, got ${maxEntries}`);
    }
  });
});
