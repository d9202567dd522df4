/**
 * The share of this subgraph's predictions of each model version that the cache served, over the last
 * STATS_WINDOW_SECONDS: one lib/windowed-stats per version the catalog knows (others are not counted, so callers
 * cannot grow it). Per replica: each prediction subgraph counts its own predictions.
 */
import { WindowedStats } from '../../../../lib/windowed-stats';
import type { Catalog } from '../backends/backend';

type Counter = 'predictions' | 'hits';

export class CacheHitRatios {
  private readonly windows = new Map<string, WindowedStats<Counter>>();

  constructor(
    private readonly catalog: Pick<Catalog, 'get'>,
    private readonly windowSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** One prediction of the version answered, from the cache (`hit`) or not. */
  predicted(model: string, version: string, hit: boolean): void {
    const key = `${model}:${version}`;
    let window = this.windows.get(key);
    if (!window) {
      if (!this.catalog.get(model)?.versions.some((v) => v.version === version)) return;
      window = new WindowedStats<Counter>({ windowSeconds: this.windowSeconds, counters: ['predictions', 'hits'], now: this.now });
      this.windows.set(key, window);
    }
    window.add('predictions');
    if (hit) window.add('hits');
  }

  /** Hits over predictions in the window; null when there were none. */
  ratio(model: string, version: string): number | null {
    const counts = this.windows.get(`${model}:${version}`)?.snapshot().counts;
    return counts && counts.predictions > 0 ? counts.hits / counts.predictions : null;
  }
}
