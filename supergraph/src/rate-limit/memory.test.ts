import { rateLimiterContract } from './contract';
import { MemoryRateLimiter } from './memory';

rateLimiterContract('memory', (options) => Promise.resolve(new MemoryRateLimiter(options)));

describe('memory rate limiter', () => {
  it('forgets buckets that have refilled, so unique callers do not pile up', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ perMinute: 60, burst: 1 }, () => now);
    for (let i = 0; i < 10_000; i += 1) await limiter.take(`caller-${i}`);
    now = 61_000;
    // The 10 000th take sweeps what is full again; a fresh caller still starts full.
    for (let i = 0; i < 10_000; i += 1) await limiter.take(`later-${i}`);
    expect((await limiter.take('caller-1')).allowed).toBe(true);
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(10_001);
  });
});
