/**
 * From a request to predictions: resolve the version, load it if needed,
 * validate each input and submit it to the version's queue (its batcher).
 * Knows nothing of the wire or of fault hooks: it sees deadlines and
 * cancellation only. The gRPC and OIP adapters map their requests to these types.
 *
 * Each loaded model gets its own batcher; when the registry frees one
 * (unloaded, or replaced by a reload) the engine closes its batcher, lets the
 * inputs it accepted finish, and drops it, so a reload builds a new one.
 */
import { InferGraphError, asInferGraphError } from '../../../lib/errors';
import type { InputLimits } from '../../../lib/limits/input';
import type { InferenceMetrics } from '../metrics';
import type { LoadedModel, ModelDefinition, ModelInput, ModelOutput } from '../models/types';
import type { ModelRegistry } from '../registry/model-registry';
import type { ModelStatistics } from '../statistics';
import { DynamicBatcher } from './batcher';
import type { BatcherObserver, InputQueue } from './batcher';
import { validateInput } from './validation';

export interface EngineOptions extends InputLimits {
  readonly batchMaxSize: number;
  readonly batchMaxDelayMs: number;
  readonly batchMaxQueue: number;
  readonly maxBatchItems: number;
}

/** One input for one model; `version` empty for the default version, `input` undefined when the request left it out. */
export interface PredictRequest {
  readonly model: string;
  readonly version: string;
  readonly input: ModelInput | undefined;
}

/** Many inputs for one model version; each may be left out, and then fails alone. */
export interface BatchRequest {
  readonly model: string;
  readonly version: string;
  readonly inputs: readonly (ModelInput | undefined)[];
}

export interface CallContext {
  /** Epoch milliseconds; Infinity when the caller set no deadline. */
  readonly deadline: number;
  /** Aborted when the caller goes away. */
  readonly signal: AbortSignal;
}

export interface PredictionResult {
  readonly model: string;
  readonly version: string;
  readonly output: ModelOutput;
  readonly batchSize: number;
  readonly latencyMs: number;
  /** Which load of the version answered (VersionStatus.loadId). */
  readonly loadId: string;
}

export interface BatchResult {
  readonly version: string;
  readonly items: readonly (PredictionResult | InferGraphError)[];
}

/** A batch request under way: one promise per input, in order, each settling with its own prediction or InferGraphError. */
export interface StartedBatch {
  readonly version: string;
  readonly results: readonly Promise<PredictionResult>[];
}

/** What the engine submits one input of one model version to: the version's batcher, or a wrapper around it. */
export type VersionQueue = InputQueue<ModelInput, ModelOutput>;

/** Wraps each version's queue when it is made (`name` is "model:version"): how fault hooks are added. */
export type QueueWrapper = (queue: VersionQueue, name: string) => VersionQueue;

interface LoadedQueue {
  readonly batcher: DynamicBatcher<ModelInput, ModelOutput>;
  /** The batcher, wrapped (fault hooks). */
  readonly queue: VersionQueue;
  /** The load of the model it runs on. */
  readonly loadId: string;
}

export class InferenceEngine {
  private readonly queues = new Map<LoadedModel, LoadedQueue>();
  /** Models the registry freed: an input that reached one late is refused rather than given a new batcher. */
  private readonly freed = new WeakSet<LoadedModel>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly metrics: InferenceMetrics,
    private readonly stats: ModelStatistics,
    private readonly options: EngineOptions,
    private readonly wrapQueue: QueueWrapper = (queue) => queue,
  ) {
    registry.drainWith((loaded) => this.drain(loaded));
  }

  /** The request limits (MAX_BATCH_ITEMS, MAX_FEATURES), for protocols that check a request's shape before decoding it. */
  get limits(): { readonly maxBatchItems: number; readonly maxFeatures: number } {
    return { maxBatchItems: this.options.maxBatchItems, maxFeatures: this.options.maxFeatures };
  }

  async predict(request: PredictRequest, ctx: CallContext): Promise<PredictionResult> {
    const started = performance.now();
    const { model } = request;
    const resolved = this.registry.resolve(model, request.version);
    const valid = validateInput(model, resolved.definition.inputKind, request.input, this.options);
    const queue = await this.queue(resolved.definition, resolved.version);
    return this.run(queue, model, resolved.version, valid, ctx, started);
  }

  /** Starts every input of a batch request (PredictBatchStream answers each as it settles). */
  async startBatch(request: BatchRequest, ctx: CallContext): Promise<StartedBatch> {
    const started = performance.now();
    const { model, inputs } = request;
    if (inputs.length > this.options.maxBatchItems) {
      throw new InferGraphError(
        'BAD_USER_INPUT',
        `inputs has ${inputs.length} items; at most ${this.options.maxBatchItems} are allowed in one batch (MAX_BATCH_ITEMS)`,
      );
    }
    const resolved = this.registry.resolve(model, request.version);
    const queue = await this.queue(resolved.definition, resolved.version);
    const results = inputs.map((input) => {
      try {
        const valid = validateInput(model, resolved.definition.inputKind, input, this.options);
        return this.run(queue, model, resolved.version, valid, ctx, started);
      } catch (err) {
        this.metrics.answered(model, resolved.version, codeOf(err), 0);
        return Promise.reject(asInferGraphError(err));
      }
    });
    for (const result of results) result.catch(() => undefined);
    return { version: resolved.version, results };
  }

  /**
   * Answers a batch request once every input is done (PredictBatch, OIP's
   * ModelInfer), each item with its own prediction or error: an input that
   * hangs holds the answer until it settles or the caller's deadline passes.
   */
  async predictBatch(request: BatchRequest, ctx: CallContext): Promise<BatchResult> {
    const batch = await this.startBatch(request, ctx);
    const settled = await Promise.allSettled(batch.results);
    return { version: batch.version, items: settled.map((s) => (s.status === 'fulfilled' ? s.value : asInferGraphError(s.reason))) };
  }

  private async run(
    { queue, loadId }: LoadedQueue,
    model: string,
    version: string,
    input: ModelInput,
    ctx: CallContext,
    started: number,
  ): Promise<PredictionResult> {
    try {
      const { output, batchSize } = await queue.submit(input, ctx);
      const latencyMs = performance.now() - started;
      this.metrics.answered(model, version, 'OK', latencyMs);
      this.stats.answered(model, version, true, latencyMs);
      return { model, version, output, batchSize, latencyMs, loadId };
    } catch (err) {
      const latencyMs = performance.now() - started;
      this.metrics.answered(model, version, codeOf(err), latencyMs);
      this.stats.answered(model, version, false, latencyMs);
      throw err;
    }
  }

  /** The version's queue, made on first use with the model's own batching limits where its config.json sets them. */
  private async queue(definition: ModelDefinition, version: string): Promise<LoadedQueue> {
    const model = definition.name;
    const key = `${model}:${version}`;
    let loaded = await this.registry.acquire(model, version);
    // Replaced meanwhile by a reload: the registry now hands out the new one.
    if (this.freed.has(loaded)) loaded = await this.registry.acquire(model, version);
    const existing = this.queues.get(loaded);
    if (existing) return existing;
    if (this.freed.has(loaded)) throw new InferGraphError('INFERENCE_UNAVAILABLE', `${key} was unloaded or reloaded meanwhile; retry`);
    const batcher = new DynamicBatcher<ModelInput, ModelOutput>({
      name: key,
      maxBatchSize: definition.batching?.maxBatchSize ?? this.options.batchMaxSize,
      maxDelayMs: definition.batching?.maxDelayMs ?? this.options.batchMaxDelayMs,
      maxQueue: definition.batching?.maxQueue ?? this.options.batchMaxQueue,
      run: (inputs) => loaded.run(inputs),
      observer: this.observer(model, version),
    });
    const entry = { batcher, queue: this.wrapQueue(batcher, key), loadId: this.registry.loadIdOf(model, version, loaded) };
    this.queues.set(loaded, entry);
    return entry;
  }

  /** Refuses new inputs for a model the registry frees, and resolves once those its batcher accepted are done. */
  private async drain(loaded: LoadedModel): Promise<void> {
    this.freed.add(loaded);
    const entry = this.queues.get(loaded);
    if (!entry) return;
    await entry.batcher.close('is unloaded; load it with loadModelVersion');
    this.queues.delete(loaded);
  }

  /** What a version's batcher reports, to the Prometheus metrics and the version's statistics. */
  private observer(model: string, version: string): BatcherObserver {
    const metrics = this.metrics.batcher(model, version);
    return {
      ...metrics,
      batchRan: (size, durationMs) => {
        metrics.batchRan(size, durationMs);
        this.stats.batchRan(model, version, size);
      },
    };
  }
}

function codeOf(err: unknown): string {
  return err instanceof InferGraphError ? err.code : 'INFERENCE_FAILED';
}
