/**
 * Figures of the last `windowSeconds` seconds (STATS_WINDOW_SECONDS): a ring of one-second buckets, each holding a
 * few named counters and a latency histogram with fixed log-scale bounds; a read merges the buckets still in the
 * window. Memory is fixed when it is made (windowSeconds × (counters + LATENCY_BUCKETS) numbers, whatever the
 * traffic), recording costs O(1) and a read O(windowSeconds × LATENCY_BUCKETS). Latency quantiles are estimated
 * within one bucket's width (a factor of 2^(1/4), so within 19%) and never outside the smallest and largest
 * latency seen in the window. The clock is injectable so tests move it instead of sleeping.
 */
import { int } from './config';
import type { Setting } from './config';

/** Smallest latency bound, in milliseconds: below it everything lands in bucket 0. */
const MIN_LATENCY_MS = 0.001;
/** Buckets per doubling: bucket bounds grow by 2^(1/4). */
const PER_DOUBLING = 4;
/** Enough buckets to reach past 1000 s from 1 µs; the last one holds everything slower. */
export const LATENCY_BUCKETS = 2 + Math.ceil(PER_DOUBLING * Math.log2(1_000_000 / MIN_LATENCY_MS));

/** Upper bound (exclusive) of latency bucket `b`, in milliseconds. */
function upperBound(b: number): number {
  return MIN_LATENCY_MS * 2 ** (b / PER_DOUBLING);
}

function bucketOf(latencyMs: number): number {
  if (!(latencyMs >= MIN_LATENCY_MS)) return 0;
  return Math.min(LATENCY_BUCKETS - 1, 1 + Math.floor(PER_DOUBLING * Math.log2(latencyMs / MIN_LATENCY_MS)));
}

export const MAX_WINDOW_SECONDS = 3600;

/**
 * Where a window of `windowSeconds` one-second buckets read at `nowMs` starts (epoch milliseconds): the start of its
 * oldest second, or `notBefore` if later.
 */
export function windowStart(nowMs: number, windowSeconds: number, notBefore = -Infinity): number {
  return Math.max((Math.floor(nowMs / 1000) - windowSeconds + 1) * 1000, notBefore);
}

export interface WindowedStatsOptions<C extends string> {
  /** Length of the window, 1 to MAX_WINDOW_SECONDS. */
  readonly windowSeconds: number;
  /** Names of the counters `add` takes. */
  readonly counters: readonly C[];
  /** Epoch milliseconds; Date.now unless a test moves its own clock. */
  readonly now?: () => number;
}

export interface LatencySummary {
  /** Latencies observed in the window. */
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface WindowSnapshot<C extends string> {
  /** Each counter summed over the window. */
  readonly counts: Readonly<Record<C, number>>;
  /** Null when no latency was observed in the window. */
  readonly latency: LatencySummary | null;
  /** Epoch milliseconds where the window starts: the start of its oldest one-second bucket, or `notBefore` if later. */
  readonly since: number;
}

export class WindowedStats<C extends string> {
  private readonly window: number;
  private readonly index: Readonly<Record<C, number>>;
  private readonly names: readonly C[];
  private readonly now: () => number;
  /** Which second (epoch seconds) each slot holds; -1 for none yet. */
  private readonly seconds: Float64Array;
  private readonly counts: Float64Array;
  private readonly histogram: Uint32Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;

  constructor(options: WindowedStatsOptions<C>) {
    const { windowSeconds, counters } = options;
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
      throw new RangeError(`windowSeconds must be an integer from 1 to ${MAX_WINDOW_SECONDS}, got ${windowSeconds}`);
    }
    this.window = windowSeconds;
    this.names = [...counters];
    this.index = Object.fromEntries(counters.map((name, i) => [name, i])) as Record<C, number>;
    this.now = options.now ?? Date.now;
    this.seconds = new Float64Array(windowSeconds).fill(-1);
    this.counts = new Float64Array(windowSeconds * counters.length);
    this.histogram = new Uint32Array(windowSeconds * LATENCY_BUCKETS);
    this.min = new Float64Array(windowSeconds).fill(Infinity);
    this.max = new Float64Array(windowSeconds).fill(-Infinity);
  }

  /** Bytes held by the buckets: fixed at construction. */
  get footprintBytes(): number {
    return this.seconds.byteLength + this.counts.byteLength + this.histogram.byteLength + this.min.byteLength + this.max.byteLength;
  }

  /** Adds `amount` to `counter` in the current second. */
  add(counter: C, amount = 1): void {
    const at = this.slot() * this.names.length + this.index[counter];
    this.counts[at] = (this.counts[at] ?? 0) + amount;
  }

  /** Records one latency in the current second. */
  observe(latencyMs: number): void {
    const slot = this.slot();
    const at = slot * LATENCY_BUCKETS + bucketOf(latencyMs);
    this.histogram[at] = (this.histogram[at] ?? 0) + 1;
    if (latencyMs < (this.min[slot] ?? Infinity)) this.min[slot] = latencyMs;
    if (latencyMs > (this.max[slot] ?? -Infinity)) this.max[slot] = latencyMs;
  }

  /**
   * The window merged. With `notBefore` (epoch milliseconds, e.g. when a version loaded), seconds wholly before it
   * are left out and the window starts there if that is later.
   */
  snapshot(notBefore = -Infinity): WindowSnapshot<C> {
    const now = this.now();
    const current = Math.floor(now / 1000);
    const since = windowStart(now, this.window, notBefore);
    const oldest = Math.floor(since / 1000);
    const width = this.names.length;
    const sums = new Float64Array(width);
    const merged = new Float64Array(LATENCY_BUCKETS);
    let min = Infinity;
    let max = -Infinity;
    for (let slot = 0; slot < this.window; slot++) {
      const second = this.seconds[slot] ?? -1;
      if (second < oldest || second > current) continue;
      for (let c = 0; c < width; c++) sums[c] = (sums[c] ?? 0) + (this.counts[slot * width + c] ?? 0);
      for (let b = 0; b < LATENCY_BUCKETS; b++) merged[b] = (merged[b] ?? 0) + (this.histogram[slot * LATENCY_BUCKETS + b] ?? 0);
      min = Math.min(min, this.min[slot] ?? Infinity);
      max = Math.max(max, this.max[slot] ?? -Infinity);
    }
    const counts = Object.fromEntries(this.names.map((name, c) => [name, sums[c] ?? 0])) as Record<C, number>;
    const total = merged.reduce((a, b) => a + b, 0);
    const latency =
      total === 0 ? null : { count: total, p50Ms: quantile(merged, total, 0.5, min, max), p99Ms: quantile(merged, total, 0.99, min, max) };
    return { counts, latency, since };
  }

  /** The slot of the current second, emptied first if it still holds an older second. */
  private slot(): number {
    const second = Math.floor(this.now() / 1000);
    const slot = second % this.window;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts.fill(0, slot * this.names.length, (slot + 1) * this.names.length);
      this.histogram.fill(0, slot * LATENCY_BUCKETS, (slot + 1) * LATENCY_BUCKETS);
      this.min[slot] = Infinity;
      this.max[slot] = -Infinity;
    }
    return slot;
  }
}

/** The q-quantile of a merged histogram: interpolated geometrically inside its bucket, kept within [min, max]. */
function quantile(histogram: Float64Array, total: number, q: number, min: number, max: number): number {
  const rank = Math.max(1, Math.ceil(q * total));
  let below = 0;
  for (let b = 0; b < histogram.length; b++) {
    const inBucket = histogram[b] ?? 0;
    if (below + inBucket >= rank) {
      const lower = b === 0 ? min : upperBound(b - 1);
      const upper = b === histogram.length - 1 ? max : upperBound(b);
      const fraction = (rank - below) / inBucket;
      const estimate = lower > 0 ? lower * (upper / lower) ** fraction : lower + (upper - lower) * fraction;
      return Math.min(max, Math.max(min, estimate));
    }
    below += inBucket;
  }
  return max;
}

/** STATS_WINDOW_SECONDS, read by every service that keeps windowed statistics. */
export function statsWindowSetting(doc: string): Setting<number> {
  return int('STATS_WINDOW_SECONDS', 60, doc, { min: 1, max: MAX_WINDOW_SECONDS });
}
