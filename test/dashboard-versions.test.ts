/** The dashboard's per-version history (ui/dashboard/version-history.ts) and served canary split (ui/dashboard/served-split.ts). */
import { SPLIT_MAX_PREDICTIONS, SPLIT_WINDOW_MS, addServed, splitOf } from '../ui/dashboard/served-split';
import type { ServedLog } from '../ui/dashboard/served-split';
import { HISTORY_POINTS, addPoll, perSecond } from '../ui/dashboard/version-history';
import type { PolledVersion, VersionHistory } from '../ui/dashboard/version-history';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function polled(version: string, requests: number, p50: number | null, since = T0): PolledVersion {
  return {
    version,
    stats: { requests, latencyP50Ms: p50, latencyP99Ms: p50 === null ? null : p50 * 2, since: new Date(since).toISOString() },
  };
}

describe('dashboard version history', () => {
  it('takes the rate over the window the figures cover, at least a second long', () => {
    expect(perSecond(120, new Date(T0).toISOString(), T0 + 60_000)).toBe(2);
    expect(perSecond(3, new Date(T0).toISOString(), T0 + 200)).toBe(3);
    expect(perSecond(5, 'not a time', T0)).toBe(5);
  });

  it('adds a point per version per poll, keeps nulls as gaps, and drops versions no longer listed', () => {
    let history: VersionHistory = {};
    history = addPoll(history, [{ name: 'sentiment', versions: [polled('v1', 0, null), polled('v2', 30, 4)] }], T0 + 10_000);
    history = addPoll(history, [{ name: 'sentiment', versions: [polled('v1', 20, 2)] }], T0 + 20_000);
    expect(history).toEqual({
      'sentiment:v1': [
        { at: T0 + 10_000, perSecond: 0, p50: null, p99: null },
        { at: T0 + 20_000, perSecond: 1, p50: 2, p99: 4 },
      ],
    });
  });

  it('adds no point for a version without statistics, and keeps the ones it has', () => {
    let history: VersionHistory = {};
    history = addPoll(history, [{ name: 'numeric', versions: [polled('v1', 60, 5)] }], T0 + 60_000);
    history = addPoll(history, [{ name: 'numeric', versions: [{ version: 'v1', stats: null }] }], T0 + 62_000);
    expect(history).toEqual({ 'numeric:v1': [{ at: T0 + 60_000, perSecond: 1, p50: 5, p99: 10 }] });
  });

  it('keeps the last HISTORY_POINTS polls of a version', () => {
    let history: VersionHistory = {};
    for (let n = 0; n < HISTORY_POINTS + 5; n += 1)
      history = addPoll(history, [{ name: 'numeric', versions: [polled('v1', n, 1)] }], T0 + n * 1000);
    const points = history['numeric:v1'] ?? [];
    expect(points).toHaveLength(HISTORY_POINTS);
    expect(points[0]?.at).toBe(T0 + 5000);
    expect(points.at(-1)?.at).toBe(T0 + (HISTORY_POINTS + 4) * 1000);
  });
});

describe('dashboard served canary split', () => {
  it('counts what each version answered of the predictions the policy routed, not those that named a version', () => {
    let log: ServedLog = {};
    for (const [version, routing] of [
      ['v1', 'DEFAULT'],
      ['v1', 'DEFAULT'],
      ['v2', 'CANARY'],
      ['v3', 'EXPLICIT'],
      ['v1', 'FALLBACK'],
    ] as const) {
      log = addServed(log, { model: 'sentiment', version, routing, at: T0 });
    }
    log = addServed(log, { model: 'numeric', version: 'v2', routing: 'CANARY', at: T0 });
    expect(splitOf(log, 'sentiment')).toEqual({
      total: 4,
      byVersion: new Map([
        ['v1', 3],
        ['v2', 1],
      ]),
    });
    expect(splitOf(log, 'numeric').total).toBe(1);
    expect(splitOf(log, 'absent')).toEqual({ total: 0, byVersion: new Map() });
  });

  it('forgets predictions older than the window, and all but the newest SPLIT_MAX_PREDICTIONS', () => {
    let log: ServedLog = {};
    log = addServed(log, { model: 'sentiment', version: 'v2', routing: 'CANARY', at: T0 });
    log = addServed(log, { model: 'sentiment', version: 'v1', routing: 'DEFAULT', at: T0 + SPLIT_WINDOW_MS });
    expect(splitOf(log, 'sentiment')).toEqual({ total: 1, byVersion: new Map([['v1', 1]]) });
    for (let n = 0; n < SPLIT_MAX_PREDICTIONS + 10; n += 1)
      log = addServed(log, { model: 'sentiment', version: n < 10 ? 'v2' : 'v1', routing: 'DEFAULT', at: T0 + SPLIT_WINDOW_MS + n });
    expect(splitOf(log, 'sentiment')).toEqual({ total: SPLIT_MAX_PREDICTIONS, byVersion: new Map([['v1', SPLIT_MAX_PREDICTIONS]]) });
  });
});
