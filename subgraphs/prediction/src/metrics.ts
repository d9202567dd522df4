/** Prometheus metrics of the prediction subgraph. */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

import { batchSizeBuckets } from '../../../lib/metrics';

export class PredictionMetrics {
  readonly predictions: Counter<'model' | 'version' | 'routing' | 'cache'>;
  readonly failures: Counter<'model' | 'code'>;
  readonly batchSize: Histogram<'model' | 'version'>;
  readonly queueDelay: Histogram<'model' | 'version'>;
  readonly cacheLookups: Counter<'result'>;
  readonly subscribers: Gauge;

  constructor(registry: Registry, maxBatchSize: number) {
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
}
