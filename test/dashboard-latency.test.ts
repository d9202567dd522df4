/** The dashboard's sliding-window percentiles (ui/dashboard/latency.ts), which the chart draws. */
import { HISTORY_MS, WINDOW_MS, addLatency, percentile } from '../ui/dashboard/latency';
import type { LatencySeries } from '../ui/dashboard/latency';

describe('dashboard latency window', () => {
  it('takes nearest-rank percentiles', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect([percentile(ten, 50), percentile(ten, 95), percentile(ten, 100)]).toEqual([5, 10, 10]);
    expect([percentile([7], 50), percentile([7], 95)]).toEqual([7, 7]);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95)).toBe(19);
  });

  it('keeps one series per model version with a point per event', () => {
    let state: LatencySeries = {};
    state = addLatency(state, { model: 'sentiment', version: 'v1', latencyMs: 10, at: 1000 });
    state = addLatency(state, { model: 'sentiment', version: 'v1', latencyMs: 30, at: 2000 });
    state = addLatency(state, { model: 'numeric', version: 'v2', latencyMs: 500, at: 2500 });
    expect(Object.keys(state).sort()).toEqual(['numeric:v2', 'sentiment:v1']);
    expect(state['sentiment:v1']?.points).toEqual([
      { at: 1000, p50: 10, p95: 10 },
      { at: 2000, p50: 10, p95: 30 },
    ]);
    expect(state['numeric:v2']?.points).toEqual([{ at: 2500, p50: 500, p95: 500 }]);
  });

  it('lets events older than the window leave the percentiles, and points older than the history leave the chart', () => {
    let state: LatencySeries = {};
    state = addLatency(state, { model: 'sentiment', version: 'v1', latencyMs: 900, at: 0 });
    state = addLatency(state, { model: 'sentiment', version: 'v1', latencyMs: 10, at: WINDOW_MS - 1 });
    expect(state['sentiment:v1']?.points.at(-1)).toEqual({ at: WINDOW_MS - 1, p50: 10, p95: 900 });
    state = addLatency(state, { model: 'sentiment', version: 'v1', latencyMs: 20, at: WINDOW_MS + 1 });
    expect(state['sentiment:v1']?.samples.map((s) => s.ms)).toEqual([10, 20]);
    expect(state['sentiment:v1']?.points.at(-1)).toEqual({ at: WINDOW_MS + 1, p50: 10, p95: 20 });
    state = addLatency(state, { model: 'sentiment', version: 'v1', latencyMs: 5, at: HISTORY_MS + 1 });
    expect(state['sentiment:v1']?.points.map((p) => p.at)).toEqual([WINDOW_MS - 1, WINDOW_MS + 1, HISTORY_MS + 1]);
  });
});
