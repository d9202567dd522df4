/**
 * Process-wide batching: one DataLoader per model version merges the inputs
 * of every concurrent GraphQL operation into batch calls (backends/) of at most
 * `maxBatchSize` inputs. An input that finds its version idle (nothing queued
 * or in flight) is sent on the next turn of the event loop, with whatever came
 * in the same turn; a batch that starts while another of its version is in
 * flight is sent at most `maxDelayMs` after its first input arrived, so that
 * others can join it. Its cache is off (the prediction cache is a separate layer), so
 * every `load` is one input sent and answered.
 *
 * Contract: every `load` settles exactly once, with its own prediction or its
 * own error, as soon as its own input is answered; a failed call rejects each
 * input it left unanswered with a copy of the reason. At most `maxQueue` inputs wait per version (queued or in flight);
 * past that `load` rejects at once with OVERLOADED rather than wait without bound.
 * A version's loader lives only while inputs wait for it: the last to settle
 * drops it, so the loaders are bounded by the versions with work in flight
 * (which the predictor admits only from the model catalog), not by every
 * version ever asked for.
 */
import DataLoader from 'dataloader';

import { InferGraphError } from '../../../lib/errors';
import type { SendBatch } from './backends/backend';
import type { ModelInput, Prediction } from './domain';
import type { PredictionMetrics } from './metrics';

export interface BatchingOptions {
  readonly maxBatchSize: number;
  readonly maxDelayMs: number;
  readonly maxQueue: number;
}

interface Pending {
  readonly input: ModelInput;
  readonly requestId: string;
  readonly enqueuedAt: number;
}

interface VersionQueue {
  // The batch function answers with one promise per input: each load settles
  // as soon as its own input is answered, not when the whole batch is.
  readonly loader: DataLoader<Pending, Promise<Prediction>>;
  waiting: number;
}

export class BatchingLoaders {
  private readonly queues = new Map<string, VersionQueue>();

  constructor(
    private readonly send: SendBatch,
    private readonly options: BatchingOptions,
    private readonly metrics: PredictionMetrics,
  ) {}

  /** Versions with a loader now: those with inputs waiting or in flight. */
  get activeVersions(): number {
    return this.queues.size;
  }

  async load(model: string, version: string, input: ModelInput, requestId: string): Promise<Prediction> {
    const key = `${model}:${version}`;
    const queue = this.queue(key, model, version);
    if (queue.waiting >= this.options.maxQueue) {
      throw new InferGraphError(
        'OVERLOADED',
        `${version ? `${model}:${version}` : model} is overloaded: ${queue.waiting} predictions already wait (BATCH_MAX_QUEUE=${this.options.maxQueue}); retry later`,
      );
    }
    queue.waiting += 1;
    try {
      return await queue.loader.load({ input, requestId, enqueuedAt: performance.now() });
    } finally {
      queue.waiting -= 1;
      // Idle: nothing is queued or in flight, so no batch is scheduled on this loader.
      if (queue.waiting === 0 && this.queues.get(key) === queue) this.queues.delete(key);
    }
  }

  private queue(key: string, model: string, version: string): VersionQueue {
    const existing = this.queues.get(key);
    if (existing) return existing;
    const loader = new DataLoader<Pending, Promise<Prediction>>(
      (batch) => {
        const sentAt = performance.now();
        this.metrics.batchSent(
          model,
          version,
          batch.map((p) => sentAt - p.enqueuedAt),
        );
        return Promise.resolve(
          this.send(
            { model, version },
            batch.map((p) => p.input),
            batch.map((p) => p.requestId),
          ),
        );
      },
      {
        cache: false,
        maxBatchSize: this.options.maxBatchSize,
        // Called for the first input of each batch, already counted in `waiting`: any other is in flight.
        batchScheduleFn: (dispatch) => {
          if (created.waiting <= 1) setImmediate(dispatch);
          else setTimeout(dispatch, this.options.maxDelayMs);
        },
      },
    );
    const created: VersionQueue = { loader, waiting: 0 };
    this.queues.set(key, created);
    return created;
  }
}
