/**
 * The batching limits (BATCH_MAX_SIZE, BATCH_MAX_DELAY_MS, BATCH_MAX_QUEUE):
 * the same names, defaults and ranges in inference-grpc and the prediction
 * subgraph, each of which batches inputs.
 */
import { int } from '../config';

/** BATCH_MAX_SIZE, BATCH_MAX_DELAY_MS and BATCH_MAX_QUEUE of a batching layer; `docs` say which layer. */
export function batchingSettings(docs: { size: string; delay: string; queue: string }) {
  return {
    batchMaxSize: int('BATCH_MAX_SIZE', 64, docs.size, { min: 1, max: 4096 }),
    batchMaxDelayMs: int('BATCH_MAX_DELAY_MS', 5, docs.delay, { min: 0, max: 10000 }),
    batchMaxQueue: int('BATCH_MAX_QUEUE', 1024, docs.queue, { min: 1, max: 1_000_000 }),
  };
}
