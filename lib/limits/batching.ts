/**
 * The batching limits (BATCH_MAX_SIZE, BATCH_MAX_DELAY_MS, BATCH_MAX_QUEUE):
 * the same names, defaults and ranges in inference-grpc and the prediction
 * subgraph, each of which batches inputs.
 */
import { int } from '../config';

/** What each limit may be, here and in a model's `dynamicBatching` (inference-grpc's model repository). */
export const BATCHING_RANGES = {
  maxBatchSize: { min: 1, max: 4096 },
  maxDelayMs: { min: 0, max: 10000 },
  maxQueue: { min: 1, max: 1_000_000 },
} as const;

/** BATCH_MAX_SIZE, BATCH_MAX_DELAY_MS and BATCH_MAX_QUEUE of a batching layer; `docs` say which layer. */
export function batchingSettings(docs: { size: string; delay: string; queue: string }) {
  return {
    batchMaxSize: int('BATCH_MAX_SIZE', 64, docs.size, BATCHING_RANGES.maxBatchSize),
    batchMaxDelayMs: int('BATCH_MAX_DELAY_MS', 5, docs.delay, BATCHING_RANGES.maxDelayMs),
    batchMaxQueue: int('BATCH_MAX_QUEUE', 1024, docs.queue, BATCHING_RANGES.maxQueue),
  };
}
