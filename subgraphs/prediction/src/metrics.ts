/**
 * Prometheus metrics of the prediction subgraph. Model and version labels come
 * only from the model catalog ("unknown" otherwise), so callers cannot add
 * series by naming models that do not exist, synced catalog or not.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

import type { ErrorCode } from '../../../lib/errors';
import { batchSizeBuckets } from '../../../lib/metrics';
import type { Catalog } from './backends/backend';
import type { CacheStatus } from './cache/cache';
import type { Routing } from './canary';

const UNKNOWN = 'unknown';

export class PredictionMetrics {
  private readonly predictions: Counter<'model' | 'version' | 'routing' | 'cache'>;
  private readonly failures: Counter<'model' | 'code'>;
  private readonly batchSize: Histogram<'model' | 'version'>;
  private readonly queueDelay: Histogram<'model' | 'version'>;
  readonly cacheLookups: Counter<'result'>;
  readonly subscribers: Gauge;

  constructor(
    registry: Registry,
    maxBatchSize: number,
    private readonly catalog: Pick<Catalog, 'get'>,
  ) {
    const registers = [registry];
    this.predictions = new Counter({
      name: 'infergraph_predictions_total',
      help: 'Predictions answered, by model, version, routing and cache status.',
      labelNames: ['model', 'version', 'routing', 'cache'],
      registers,
    });
    this.failures = new Counter({
      name: 'infergraph_prediction_errors_total',
      help: 'Predictions that failed, by model and error code.',
      labelNames: ['model', 'code'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'infergraph_predict_batch_size',
      help: 'Inputs per batch call (PredictBatchStream) sent to inference-grpc.',
      labelNames: ['model', 'version'],
      buckets: batchSizeBuckets(maxBatchSize),
      registers,
    });
    this.queueDelay = new Histogram({
      name: 'infergraph_predict_queue_delay_seconds',
      help: 'Time an input waited in the subgraph before its batch call was sent.',
      labelNames: ['model', 'version'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.subscribers = new Gauge({
      name: 'infergraph_latency_subscribers',
      help: 'latencyEvents subscriptions open on this replica.',
      registers,
    });
    this.cacheLookups = new Counter({
      name: 'infergraph_prediction_cache_lookups_total',
      help: 'Prediction cache lookups: hit, miss, or error (cache unavailable).',
      labelNames: ['result'],
      registers,
    });
  }

  predicted(model: string, version: string, routing: Routing, cache: CacheStatus): void {
    this.predictions.inc({ ...this.labels(model, version), routing, cache });
  }

  failed(model: string, code: ErrorCode): void {
    this.failures.inc({ model: this.catalog.get(model) ? model : UNKNOWN, code });
  }

  /** One batch call sent: its size, and how long each of its inputs waited. */
  batchSent(model: string, version: string, waitedMs: readonly number[]): void {
    const labels = this.labels(model, version);
    for (const ms of waitedMs) this.queueDelay.observe(labels, ms / 1000);
    this.batchSize.observe(labels, waitedMs.length);
  }

  private labels(model: string, version: string): { model: string; version: string } {
    const known = this.catalog.get(model);
    if (!known) return { model: UNKNOWN, version: UNKNOWN };
    return { model, version: known.versions.some((v) => v.version === version) ? version : UNKNOWN };
  }
}
