/// <reference types="jest" />
/** What every RateLimiter must do; run against each implementation. */
import type { RateLimiter } from './limiter';

export function rateLimiterContract(name: string, make: (options: { perMinute: number; burst: number }) => Promise<RateLimiter>): void {
  describe(`${name} rate limiter`, () => {
    let limiter: RateLimiter | undefined;
    afterEach(async () => {
      await limiter?.dispose();
      limiter = undefined;
    });

    it('lets a burst through, then refuses with the time the next token is due', async () => {
      limiter = await make({ perMinute: 60, burst: 3 });
      const decisions = [];
      for (let i = 0; i < 4; i += 1) decisions.push(await limiter.take('alice'));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(decisions[3]?.retryAfterSeconds).toBe(1);
    });

    it('keeps one bucket per key', async () => {
      limiter = await make({ perMinute: 60, burst: 1 });
      expect((await limiter.take('alice')).allowed).toBe(true);
      expect((await limiter.take('alice')).allowed).toBe(false);
      expect((await limiter.take('bob')).allowed).toBe(true);
    });

    it('refills at the per-minute rate', async () => {
      limiter = await make({ perMinute: 6000, burst: 1 });
      expect((await limiter.take('carol')).allowed).toBe(true);
      expect((await limiter.take('carol')).allowed).toBe(false);
      await new Promise((r) => setTimeout(r, 30));
      expect((await limiter.take('carol')).allowed).toBe(true);
    });
  });
}
