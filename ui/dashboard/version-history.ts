/**
 * Each version's statistics over time: every poll of the versions' statistics adds a point per model version
 * (throughput, p50, p99) to a ring of the last HISTORY_POINTS, so the charts span the last minutes and memory stays
 * bounded however long the tab stays open. A version no longer listed leaves; one without statistics (its model
 * server keeps none) adds no point. Pure functions over plain data.
 */

/** Five minutes of polls every two seconds. */
export const HISTORY_POINTS = 150;

export interface StatsPoint {
  /** Epoch milliseconds of the poll. */
  readonly at: number;
  /** Requests per second over the statistics window. */
  readonly perSecond: number;
  /** Null when the window held no request. */
  readonly p50: number | null;
  readonly p99: number | null;
}

/** Points oldest first, by `model:version`. */
export type VersionHistory = Readonly<Record<string, readonly StatsPoint[]>>;

export interface PolledVersion {
  readonly version: string;
  readonly stats: {
    readonly requests: number;
    readonly latencyP50Ms: number | null;
    readonly latencyP99Ms: number | null;
    /** RFC 3339 start of the window the figures cover. */
    readonly since: string;
  } | null;
}

export function versionKey(model: string, version: string): string {
  return `${model}:${version}`;
}

/** Requests per second over the window from `since` to `at`; a window shorter than a second counts as one. */
export function perSecond(requests: number, since: string, at: number): number {
  const start = Date.parse(since);
  const seconds = Number.isNaN(start) ? 1 : Math.max(1, (at - start) / 1000);
  return requests / seconds;
}

export function addPoll(
  history: VersionHistory,
  models: readonly { readonly name: string; readonly versions: readonly PolledVersion[] }[],
  at: number,
): VersionHistory {
  const next: Record<string, readonly StatsPoint[]> = {};
  for (const model of models) {
    for (const { version, stats } of model.versions) {
      const key = versionKey(model.name, version);
      const kept = history[key] ?? [];
      if (!stats) {
        next[key] = kept;
        continue;
      }
      const point = { at, perSecond: perSecond(stats.requests, stats.since, at), p50: stats.latencyP50Ms, p99: stats.latencyP99Ms };
      next[key] = [...kept.slice(-(HISTORY_POINTS - 1)), point];
    }
  }
  return next;
}
