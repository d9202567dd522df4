/**
 * The `stats` of a ModelVersion: the model server's figures, read once per operation for every version the operation
 * asks about (a DataLoader over the backend's ReadStatistics), with this subgraph's own cache hit ratio.
 */
import DataLoader from 'dataloader';

import type { BatchTarget, ReadStatistics } from './backends/backend';
import type { CacheHitRatios } from './cache/hit-ratio';
import type { ServerVersionStats } from './domain';

export interface VersionStatsView extends ServerVersionStats {
  /** Share of this subgraph's predictions of the version served from the cache; null when none. */
  readonly cacheHitRatio: number | null;
}

/** Null when the model server keeps no statistics of the version. */
export type LoadVersionStats = (model: string, version: string) => Promise<VersionStatsView | null>;

/**
 * For one operation: its loads in one tick become one read. The DataLoader is made on the first load, so the many
 * operations that ask for no statistics (every predict) do not pay for one.
 */
export function versionStatsLoader(read: ReadStatistics, hitRatios: CacheHitRatios): LoadVersionStats {
  let loader: DataLoader<BatchTarget, ServerVersionStats | null, string> | undefined;
  return async (model, version) => {
    loader ??= new DataLoader<BatchTarget, ServerVersionStats | null, string>((targets) => read(targets), {
      cacheKeyFn: (t) => `${t.model}:${t.version}`,
    });
    const server = await loader.load({ model, version });
    return server && { ...server, cacheHitRatio: hitRatios.ratio(model, version) };
  };
}
