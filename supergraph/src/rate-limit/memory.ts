/** Token buckets in this process: right for one supergraph replica. */
import { drawToken } from './limiter';
import type { BucketOptions, RateDecision, RateLimiter } from './limiter';

/** Buckets idle this long are full again and can be forgotten. */
const SWEEP_EVERY = 10_000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  private takes = 0;

  constructor(
    private readonly options: BucketOptions,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): Promise<RateDecision> {
    const now = this.now();
    const next = drawToken(this.buckets.get(key), now, this.options);
    this.buckets.set(key, { tokens: next.tokens, updatedAt: next.updatedAt });
    if (++this.takes % SWEEP_EVERY === 0) this.sweep(now);
    return Promise.resolve(next.decision);
  }

  dispose(): Promise<void> {
    this.buckets.clear();
    return Promise.resolve();
  }

  /** Drops buckets that have refilled completely, so unique callers cannot grow the map without bound. */
  private sweep(now: number): void {
    const fullAfterMs = (this.options.burst / this.options.perMinute) * 60_000;
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedAt >= fullAfterMs) this.buckets.delete(key);
  }
}
