/**
 * Prometheus metrics of inference-grpc. Model and version labels come only
 * from the registry ("unknown" otherwise), so callers cannot add series by
 * naming models that do not exist.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

import { batchSizeBuckets } from '../../lib/metrics';
import type { BatcherObserver } from './engine/batcher';
import type { ModelRegistry } from './registry/model-registry';

const UNKNOWN = 'unknown';

export class InferenceMetrics {
  private readonly latency: Histogram<'model' | 'version'>;
  private readonly requests: Counter<'model' | 'version' | 'code'>;
  private readonly batchSize: Histogram<'model' | 'version'>;
  private readonly batchDuration: Histogram<'model' | 'version'>;
  private readonly queueDepth: Gauge<'model' | 'version'>;
  private readonly dropped: Counter<'model' | 'version' | 'reason'>;
  private readonly rpcs: Counter<'method' | 'code'>;
  private readonly watches: Counter;

  constructor(
    registry: Registry,
    private readonly models: ModelRegistry,
    maxBatchSize: number,
  ) {
    const registers = [registry];
    this.latency = new Histogram({
      name: 'infergraph_inference_latency_seconds',
      help: 'Time from arrival to answer of one input (queueing plus compute), per model version.',
      labelNames: ['model', 'version'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.requests = new Counter({
      name: 'infergraph_inference_inputs_total',
      help: 'Inputs answered, per model version and outcome (OK or an InferGraph error code).',
      labelNames: ['model', 'version', 'code'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'infergraph_inference_batch_size',
      help: 'Inputs per batch run by a model version.',
      labelNames: ['model', 'version'],
      buckets: batchSizeBuckets(maxBatchSize),
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'infergraph_inference_batch_duration_seconds',
      help: 'Time a model version took to run one batch.',
      labelNames: ['model', 'version'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'infergraph_inference_queue_depth',
      help: 'Inputs waiting for a batch, per model version.',
      labelNames: ['model', 'version'],
      registers,
    });
    this.dropped = new Counter({
      name: 'infergraph_inference_dropped_total',
      help: 'Queued inputs dropped before running, because their deadline passed or their caller went away.',
      labelNames: ['model', 'version', 'reason'],
      registers,
    });
    this.rpcs = new Counter({
      name: 'infergraph_inference_rpcs_total',
      help: 'Unary RPCs answered, per method and outcome (OK or an InferGraph error code).',
      labelNames: ['method', 'code'],
      registers,
    });
    this.watches = new Counter({
      name: 'infergraph_registry_watches_total',
      help: 'WatchModels streams opened: each subgraph opens one, and another after every connection rotation or outage.',
      registers,
    });
    new Gauge({
      name: 'infergraph_model_version_loaded',
      help: '1 when the model version is loaded, else 0.',
      labelNames: ['model', 'version'],
      registers,
      collect() {
        for (const m of models.list()) {
          for (const v of m.versions) this.set({ model: m.name, version: v.version }, v.state === 'LOADED' ? 1 : 0);
        }
      },
    });
  }

  answered(model: string, version: string, code: string, latencyMs: number): void {
    const labels = this.labels(model, version);
    this.requests.inc({ ...labels, code });
    if (code === 'OK') this.latency.observe(labels, latencyMs / 1000);
  }

  rpc(method: string, code: string): void {
    this.rpcs.inc({ method, code });
  }

  watchOpened(): void {
    this.watches.inc();
  }

  batcher(model: string, version: string): BatcherObserver {
    const labels = this.labels(model, version);
    return {
      batchRan: (size, durationMs) => {
        this.batchSize.observe(labels, size);
        this.batchDuration.observe(labels, durationMs / 1000);
      },
      queueDepth: (depth) => this.queueDepth.set(labels, depth),
      dropped: (reason) => this.dropped.inc({ ...labels, reason }),
    };
  }

  private labels(model: string, version: string): { model: string; version: string } {
    return this.models.has(model, version) ? { model, version } : { model: UNKNOWN, version: UNKNOWN };
  }
}
