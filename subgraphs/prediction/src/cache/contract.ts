/// <reference types="jest" />
/**
 * What every Cache must do, as one jest suite that memory.test.ts and
 * redis.test.ts run against their implementation, so the in-memory default
 * and Redis cannot drift apart.
 *
 * Expiry is tested through the fixture's `elapse`: the memory cache moves its
 * injected clock, Redis really waits (one 1-second TTL, about 1.2 s in all).
 */
import type { Cache, CachedPrediction } from './cache';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface CacheFixture {
  readonly cache: Cache;
  /** Lets `ms` milliseconds pass for the cache: moves an injected clock, or really waits. */
  elapse(ms: number): Promise<void>;
}

export const SAMPLE: CachedPrediction = {
  loadId: '2:9f86d081884c7d65',
  modelVersion: 'sentiment:v1',
  label: 'POSITIVE',
  score: 0.75,
  confidence: 0.9,
  classId: null,
  probability: null,
};

/** Registers the shared Cache suite; `make` builds a fresh, empty cache for each test. */
export function cacheContract(name: string, make: () => Promise<CacheFixture>): void {
  describe(`${name} (Cache contract)`, () => {
    let fixture: CacheFixture;
    let cache: Cache;

    beforeEach(async () => {
      fixture = await make();
      cache = fixture.cache;
    });

    afterEach(async () => {
      await cache.dispose();
    });

    it('answers undefined for a key never set', async () => {
      await expect(cache.get('missing')).resolves.toBeUndefined();
    });

    it('returns an equal value after set', async () => {
      await cache.set('k', SAMPLE, 60);
      await expect(cache.get('k')).resolves.toEqual(SAMPLE);
    });

    it('keeps keys independent', async () => {
      const other: CachedPrediction = { ...SAMPLE, modelVersion: 'sentiment:v2', label: 'NEGATIVE', score: -0.5 };
      await cache.set('a', SAMPLE, 60);
      await cache.set('b', other, 60);
      await expect(cache.get('a')).resolves.toEqual(SAMPLE);
      await expect(cache.get('b')).resolves.toEqual(other);
      await expect(cache.get('c')).resolves.toBeUndefined();
    });

    it('replaces the value on overwrite', async () => {
      const newer: CachedPrediction = { ...SAMPLE, label: 'NEUTRAL', score: 0 };
      await cache.set('k', SAMPLE, 60);
      await cache.set('k', newer, 60);
      await expect(cache.get('k')).resolves.toEqual(newer);
    });

    it('round-trips nulls and zeros as they were', async () => {
      const sparse: CachedPrediction = {
        loadId: '',
        modelVersion: 'digits:v3',
        label: '7',
        score: null,
        confidence: null,
        classId: 0,
        probability: 0,
      };
      await cache.set('sparse', sparse, 60);
      await expect(cache.get('sparse')).resolves.toEqual(sparse);
    });

    it('hands out copies: changing what was set or got does not change the entry', async () => {
      const value: Mutable<CachedPrediction> = { ...SAMPLE };
      await cache.set('k', value, 60);
      value.label = 'CHANGED';
      const got = (await cache.get('k')) as Mutable<CachedPrediction>;
      got.label = 'CHANGED AGAIN';
      await expect(cache.get('k')).resolves.toEqual(SAMPLE);
    });

    it('keeps an entry for its TTL and then answers undefined', async () => {
      await cache.set('short', SAMPLE, 1);
      await cache.set('long', SAMPLE, 60);
      await fixture.elapse(500);
      await expect(cache.get('short')).resolves.toEqual(SAMPLE);
      await fixture.elapse(700);
      await expect(cache.get('short')).resolves.toBeUndefined();
      await expect(cache.get('long')).resolves.toEqual(SAMPLE);
    });

    it('refuses a TTL that is not a whole number of seconds from 1 up, saying what is allowed', async () => {
      for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(cache.set('k', SAMPLE, ttl)).rejects.toThrow(`cache ttlSeconds must be a whole number from 1 up, got ${ttl}`);
      }
      await expect(cache.get('k')).resolves.toBeUndefined();
    });
  });
}
