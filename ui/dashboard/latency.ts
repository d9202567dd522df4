/**
 * p50 and p95 latency per model version over a sliding window of the latency
 * events, one point per event, kept for the chart's time span. Pure functions
 * over plain data, so React state can hold it.
 */

/** Events older than this (before the newest) leave the percentiles. */
export const WINDOW_MS = 30_000;
/** Points older than this (before the newest) leave the chart. */
export const HISTORY_MS = 120_000;

export interface LatencyPoint {
  /** Epoch milliseconds of the event. */
  readonly at: number;
  readonly p50: number;
  readonly p95: number;
}

export interface Series {
  /** model:version */
  readonly key: string;
  readonly model: string;
  readonly version: string;
  readonly samples: readonly { readonly at: number; readonly ms: number }[];
  readonly points: readonly LatencyPoint[];
}

export type LatencySeries = Readonly<Record<string, Series>>;

/** Nearest-rank percentile of ascending `sorted` (not empty). */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

export function addLatency(state: LatencySeries, event: { model: string; version: string; latencyMs: number; at: number }): LatencySeries {
  const key = `${event.model}:${event.version}`;
  const previous = state[key];
  const samples = [...(previous?.samples ?? []).filter((s) => s.at > event.at - WINDOW_MS), { at: event.at, ms: event.latencyMs }];
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const point = { at: event.at, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
  const points = [...(previous?.points ?? []).filter((p) => p.at > event.at - HISTORY_MS), point];
  return { ...state, [key]: { key, model: event.model, version: event.version, samples, points } };
}
