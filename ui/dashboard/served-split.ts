/**
 * The canary split actually served: of the predictions the traffic policy routed (DEFAULT, CANARY or FALLBACK; not
 * EXPLICIT, whose caller named the version and so was never part of the split), the share each version answered.
 *
 * Counted from the latency events, not from the versions' statistics: an event says how its prediction was routed and
 * comes for cache hits too, while a version's request count mixes explicit calls in and never sees what the cache
 * answered. The price: a tab counts only what it has seen since it subscribed. Pure functions over plain data.
 */

/** Predictions older than this (before the newest of their model) leave the split. */
export const SPLIT_WINDOW_MS = 60_000;
/** At most this many of a model's newest predictions are kept, so a busy model costs a bounded amount per event. */
export const SPLIT_MAX_PREDICTIONS = 2000;

export interface Served {
  /** Epoch milliseconds of the prediction. */
  readonly at: number;
  readonly version: string;
}

/** The policy-routed predictions of each model, oldest first, by model name. */
export type ServedLog = Readonly<Record<string, readonly Served[]>>;

export interface Split {
  /** Policy-routed predictions in the window. */
  readonly total: number;
  /** How many of them each version answered. */
  readonly byVersion: ReadonlyMap<string, number>;
}

export function addServed(log: ServedLog, event: { model: string; version: string; routing: string; at: number }): ServedLog {
  if (event.routing === 'EXPLICIT') return log;
  const kept = (log[event.model] ?? []).filter((s) => s.at > event.at - SPLIT_WINDOW_MS);
  const served = [...kept.slice(-(SPLIT_MAX_PREDICTIONS - 1)), { at: event.at, version: event.version }];
  return { ...log, [event.model]: served };
}

export function splitOf(log: ServedLog, model: string): Split {
  const byVersion = new Map<string, number>();
  const served = log[model] ?? [];
  for (const s of served) byVersion.set(s.version, (byVersion.get(s.version) ?? 0) + 1);
  return { total: served.length, byVersion };
}
