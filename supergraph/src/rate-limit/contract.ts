/// <reference types="jest" />
/** What every RateLimiter must do; run against each implementation. */
import { until } from '../../../lib/until';
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
      // A token a second: the refusal holds unless the two takes are a second apart, and the refill comes by itself.
      limiter = await make({ perMinute: 60, burst: 1 });
      const l = limiter;
      expect((await l.take('carol')).allowed).toBe(true);
      expect((await l.take('carol')).allowed).toBe(false);
      await until(async () => (await l.take('carol')).allowed, 'a token to refill', 5000);
    });
  });
}
