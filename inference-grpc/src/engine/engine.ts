/**
 * From a validated request to a prediction: resolve the version, load it if
 * needed, apply the fault hooks, and hand the input to the version's batcher.
 * Knows nothing of gRPC; the service adapts it.
 */
import { InferGraphError, asInferGraphError } from '../../../lib/errors';
import type { PredictInput__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import { DynamicBatcher } from './batcher';
import { SIMULATE_TIMEOUT, faultOf, simulateFault } from '../faults';
import type { InferenceMetrics } from '../metrics';
import type { ModelInput, ModelOutput } from '../models/types';
import type { ModelRegistry } from '../registry/model-registry';
import { validateInput } from './validation';
import type { InputLimits } from './validation';

export interface EngineOptions extends InputLimits {
  readonly batchMaxSize: number;
  readonly batchMaxDelayMs: number;
  readonly batchMaxQueue: number;
  readonly maxBatchItems: number;
  /** FAULT_HOOKS: whether simulate-timeout / simulate-error act; off, they are ordinary text. */
  readonly faultHooks: boolean;
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
}

export interface BatchResult {
  readonly version: string;
  readonly items: readonly (PredictionResult | InferGraphError)[];
}

export class InferenceEngine {
  private readonly batchers = new Map<string, DynamicBatcher<ModelInput, ModelOutput>>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly metrics: InferenceMetrics,
    private readonly options: EngineOptions,
  ) {}

  /** The request limits (MAX_BATCH_ITEMS, MAX_FEATURES), for protocols that check a request's shape before decoding it. */
  get limits(): { readonly maxBatchItems: number; readonly maxFeatures: number } {
    return { maxBatchItems: this.options.maxBatchItems, maxFeatures: this.options.maxFeatures };
  }

  async predict(model: string, version: string, input: PredictInput__Output | null, ctx: CallContext): Promise<PredictionResult> {
    const started = performance.now();
    const resolved = this.registry.resolve(model, version);
    const valid = validateInput(model, resolved.definition.inputKind, input, this.options);
    const batcher = await this.batcher(model, resolved.version);
    return this.run(batcher, model, resolved.version, valid, ctx, started);
  }

  /**
   * Starts every input of a batch request: one promise per input, in order,
   * each settling with its own prediction or its own InferGraphError.
   * `stragglers`, when aborted, answers inputs that hang (simulate-timeout) as timed out.
   */
  async startBatch(
    model: string,
    version: string,
    inputs: readonly PredictInput__Output[],
    ctx: CallContext,
    stragglers?: AbortSignal,
  ): Promise<{ version: string; runs: { hangs: boolean; result: Promise<PredictionResult> }[] }> {
    const started = performance.now();
    if (inputs.length > this.options.maxBatchItems) {
      throw new InferGraphError(
        'BAD_USER_INPUT',
        `inputs has ${inputs.length} items; at most ${this.options.maxBatchItems} are allowed in one batch (MAX_BATCH_ITEMS)`,
      );
    }
    const resolved = this.registry.resolve(model, version);
    const batcher = await this.batcher(model, resolved.version);
    const stragglerCtx = stragglers ? { deadline: ctx.deadline, signal: AbortSignal.any([ctx.signal, stragglers]) } : ctx;
    const runs = inputs.map((input) => {
      try {
        const valid = validateInput(model, resolved.definition.inputKind, input, this.options);
        const hangs = this.faultOf(valid) === SIMULATE_TIMEOUT;
        return { hangs, result: this.run(batcher, model, resolved.version, valid, hangs ? stragglerCtx : ctx, started) };
      } catch (err) {
        this.metrics.answered(model, resolved.version, codeOf(err), 0);
        return { hangs: false, result: Promise.reject(asInferGraphError(err)) };
      }
    });
    for (const r of runs) r.result.catch(() => undefined);
    return { version: resolved.version, runs };
  }

  /**
   * Answers a batch request item by item (ModelInference's PredictBatch) once
   * every input is done. An input that hangs must not hold the rest hostage:
   * once every other input has settled it is answered, as its own item, as
   * timed out; alone, it sleeps until the caller's deadline.
   */
  async predictBatch(model: string, version: string, inputs: readonly PredictInput__Output[], ctx: CallContext): Promise<BatchResult> {
    const stragglers = new AbortController();
    const batch = await this.startBatch(model, version, inputs, ctx, stragglers.signal);
    const others = batch.runs.filter((r) => !r.hangs);
    if (others.length > 0) void Promise.allSettled(others.map((r) => r.result)).then(() => stragglers.abort());
    return settle(batch);
  }

  /**
   * Answers a request that succeeds or fails whole (OIP's ModelInfer) once
   * every input is done: an input that hangs holds the call until the
   * caller's deadline, as on any server, since a status of DEADLINE_EXCEEDED
   * answered early would read as the caller's own deadline passing.
   */
  async predictWhole(model: string, version: string, inputs: readonly PredictInput__Output[], ctx: CallContext): Promise<BatchResult> {
    return settle(await this.startBatch(model, version, inputs, ctx));
  }

  /** Resolves once no batcher has work queued or running. */
  async idle(): Promise<void> {
    await Promise.all([...this.batchers.values()].map((b) => b.idle()));
  }

  private faultOf(input: ModelInput): ReturnType<typeof faultOf> {
    return this.options.faultHooks ? faultOf(input) : undefined;
  }

  private async run(
    batcher: DynamicBatcher<ModelInput, ModelOutput>,
    model: string,
    version: string,
    input: ModelInput,
    ctx: CallContext,
    started: number,
  ): Promise<PredictionResult> {
    try {
      const fault = this.faultOf(input);
      const { output, batchSize } = fault
        ? await simulateFault(fault, `${model}:${version}`, ctx.deadline, ctx.signal)
        : await batcher.submit(input, ctx);
      const latencyMs = performance.now() - started;
      this.metrics.answered(model, version, 'OK', latencyMs);
      return { model, version, output, batchSize, latencyMs };
    } catch (err) {
      this.metrics.answered(model, version, codeOf(err), performance.now() - started);
      throw err;
    }
  }

  private async batcher(model: string, version: string): Promise<DynamicBatcher<ModelInput, ModelOutput>> {
    const key = `${model}:${version}`;
    const existing = this.batchers.get(key);
    if (existing) return existing;
    const loaded = await this.registry.acquire(model, version);
    const batcher =
      this.batchers.get(key) ??
      new DynamicBatcher<ModelInput, ModelOutput>({
        name: key,
        maxBatchSize: this.options.batchMaxSize,
        maxDelayMs: this.options.batchMaxDelayMs,
        maxQueue: this.options.batchMaxQueue,
        run: (inputs) => loaded.run(inputs),
        observer: this.metrics.batcher(model, version),
      });
    this.batchers.set(key, batcher);
    return batcher;
  }
}

async function settle(batch: { version: string; runs: readonly { result: Promise<PredictionResult> }[] }): Promise<BatchResult> {
  const settled = await Promise.allSettled(batch.runs.map((r) => r.result));
  return { version: batch.version, items: settled.map((s) => (s.status === 'fulfilled' ? s.value : asInferGraphError(s.reason))) };
}

function codeOf(err: unknown): string {
  return err instanceof InferGraphError ? err.code : 'INFERENCE_FAILED';
}
