import { LATENCY_BUCKETS, WindowedStats } from './windowed-stats';

/** A clock the test moves; starts mid-second so roll-overs are the test's doing. */
function clock(startMs = 1_700_000_000_500): { now: () => number; advance(ms: number): void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('WindowedStats', () => {
  it('sums counters over the window and forgets seconds that left it', () => {
    const time = clock();
    const stats = new WindowedStats({ windowSeconds: 3, counters: ['requests', 'failures'], now: time.now });
    stats.add('requests', 2);
    time.advance(1000);
    stats.add('requests');
    stats.add('failures');
    expect(stats.snapshot().counts).toEqual({ requests: 3, failures: 1 });

    // The first second is now 3 s old: out of a 3-second window.
    time.advance(2000);
    expect(stats.snapshot().counts).toEqual({ requests: 1, failures: 1 });
    time.advance(1000);
    expect(stats.snapshot().counts).toEqual({ requests: 0, failures: 0 });
  });

  it('reuses a slot for a later second without carrying over what the earlier second counted', () => {
    const time = clock();
    const stats = new WindowedStats({ windowSeconds: 2, counters: ['requests'], now: time.now });
    stats.add('requests', 5);
    stats.observe(100);
    time.advance(2000); // same slot, two seconds later
    stats.add('requests');
    stats.observe(1);
    const snapshot = stats.snapshot();
    expect(snapshot.counts.requests).toBe(1);
    expect(snapshot.latency).toEqual({ count: 1, p50Ms: 1, p99Ms: 1 });
  });

  it('says where the window starts: the start of its oldest second', () => {
    const time = clock(10_000_250);
    const stats = new WindowedStats({ windowSeconds: 60, counters: ['requests'], now: time.now });
    expect(stats.snapshot().since).toBe(10_000_000 - 59_000);
  });

  it('leaves out the seconds before notBefore (a version reloaded), and starts the window there', () => {
    const time = clock(50_000_000);
    const stats = new WindowedStats({ windowSeconds: 60, counters: ['requests'], now: time.now });
    stats.add('requests', 7);
    stats.observe(3);
    time.advance(5000);
    stats.add('requests');
    const reloadedAt = 50_003_250;
    expect(stats.snapshot(reloadedAt)).toMatchObject({ counts: { requests: 1 }, latency: null, since: reloadedAt });
    expect(stats.snapshot().counts.requests).toBe(8);
  });

  it('estimates p50 and p99 within a bucket width of the true quantiles', () => {
    const time = clock();
    const stats = new WindowedStats({ windowSeconds: 10, counters: [], now: time.now });
    // 1..1000 ms spread over several seconds: the quantiles come from the merged buckets.
    for (let ms = 1; ms <= 1000; ms++) {
      stats.observe(ms);
      if (ms % 250 === 0) time.advance(1000);
    }
    const latency = stats.snapshot().latency;
    expect(latency?.count).toBe(1000);
    expect(latency?.p50Ms).toBeGreaterThan(500 / 1.19);
    expect(latency?.p50Ms).toBeLessThan(500 * 1.19);
    expect(latency?.p99Ms).toBeGreaterThan(990 / 1.19);
    expect(latency?.p99Ms).toBeLessThanOrEqual(1000);
  });

  it('keeps a quantile within the latencies seen, and has none without any', () => {
    const time = clock();
    const stats = new WindowedStats({ windowSeconds: 5, counters: [], now: time.now });
    expect(stats.snapshot().latency).toBeNull();
    stats.observe(0);
    stats.observe(0.0001);
    stats.observe(5_000_000); // past the last bound
    const latency = stats.snapshot().latency;
    expect(latency?.p50Ms).toBeGreaterThanOrEqual(0);
    expect(latency?.p50Ms).toBeLessThanOrEqual(0.001);
    expect(latency?.p99Ms).toBe(5_000_000);
  });

  it('holds a fixed amount of memory whatever the traffic', () => {
    const time = clock();
    const stats = new WindowedStats({ windowSeconds: 60, counters: ['requests', 'failures'], now: time.now });
    const before = stats.footprintBytes;
    expect(before).toBe(60 * 8 * 3 + 60 * 2 * 8 + 60 * LATENCY_BUCKETS * 4);
    for (let s = 0; s < 600; s++) {
      for (let i = 0; i < 50; i++) {
        stats.add('requests');
        stats.observe(i * 7.3);
      }
      time.advance(1000);
    }
    expect(stats.footprintBytes).toBe(before);
    // Only the last 60 seconds count (the current one is empty).
    expect(stats.snapshot().counts.requests).toBe(59 * 50);
  });

  it('refuses a window it cannot hold', () => {
    expect(() => new WindowedStats({ windowSeconds: 0, counters: [] })).toThrow('windowSeconds must be an integer from 1 to 3600, got 0');
    expect(() => new WindowedStats({ windowSeconds: 1.5, counters: [] })).toThrow(RangeError);
  });
});
