/**
 * Server-side dynamic batching, one batcher per model version (as Triton does).
 *
 * Inputs submitted concurrently are merged into one `run` call of at most
 * `maxBatchSize` inputs. Only one batch runs at a time. An input that finds the
 * model idle (nothing running, nothing waiting) starts a batch at once: on the
 * next turn of the event loop, so inputs submitted in the same turn join it
 * (Triton's dynamic batcher, left without a queue delay, likewise holds no
 * request while a model instance is free). Inputs that arrive while a batch
 * runs wait for it; then theirs starts when it is full, or when its oldest
 * input has waited `maxDelayMs`. At most
 * `maxQueue` inputs wait; past that `submit` rejects at once with OVERLOADED.
 * An input whose deadline has passed, or whose caller went away, is dropped
 * before its batch runs, never run. Every submitted input settles exactly
 * once: with its own output, or with its own error. `close` refuses new
 * inputs, runs those waiting at once (nothing more will join them), and
 * resolves once the accepted ones are done (a version unloading).
 */
import { InferGraphError } from '../../../lib/errors';

export interface BatcherOptions<I, O> {
  /** For messages and metrics, e.g. "numeric:v1". */
  readonly name: string;
  readonly maxBatchSize: number;
  readonly maxDelayMs: number;
  readonly maxQueue: number;
  /** Must answer one output per input, in order. */
  run(inputs: readonly I[]): Promise<O[]>;
  readonly observer?: BatcherObserver;
}

export interface BatcherObserver {
  batchRan(size: number, durationMs: number): void;
  queueDepth(depth: number): void;
  dropped(reason: 'deadline' | 'cancelled'): void;
}

export interface Batched<O> {
  readonly output: O;
  /** How many inputs ran in the same batch. */
  readonly batchSize: number;
}

export interface SubmitOptions {
  /** Epoch milliseconds after which the input must not run; Infinity for none. */
  readonly deadline: number;
  /** Aborted when the caller goes away. */
  readonly signal?: AbortSignal;
}

/** Where one input is submitted to run in some batch: a DynamicBatcher, or a wrapper around one. */
export interface InputQueue<I, O> {
  /** Settles once with the input's own output, or its own error. */
  submit(input: I, options: SubmitOptions): Promise<Batched<O>>;
}

interface Pending<I, O> {
  readonly input: I;
  readonly deadline: number;
  readonly enqueuedAt: number;
  /** Arrived at an idle model: its batch starts at once rather than after `maxDelayMs`. */
  readonly idle: boolean;
  resolve(value: Batched<O>): void;
  reject(error: Error): void;
  detach(): void;
}

export class DynamicBatcher<I, O> implements InputQueue<I, O> {
  private queue: Pending<I, O>[] = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Set by close(): why new inputs are refused. */
  private closed: string | undefined;

  constructor(private readonly options: BatcherOptions<I, O>) {}

  /** Inputs waiting for a batch (not counting the one running). */
  get depth(): number {
    return this.queue.length;
  }

  submit(input: I, { deadline, signal }: SubmitOptions): Promise<Batched<O>> {
    if (signal?.aborted) return Promise.reject(cancelled(this.options.name));
    if (this.closed !== undefined)
      return Promise.reject(new InferGraphError('INFERENCE_UNAVAILABLE', `${this.options.name} ${this.closed}`));
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new InferGraphError(
          'OVERLOADED',
          `${this.options.name} is overloaded: ${this.queue.length} inputs already wait (BATCH_MAX_QUEUE=${this.options.maxQueue}); retry later`,
        ),
      );
    }
    return new Promise<Batched<O>>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.remove(pending)) {
          this.options.observer?.dropped('cancelled');
          reject(cancelled(this.options.name));
        }
      };
      const pending: Pending<I, O> = {
        input,
        deadline,
        enqueuedAt: Date.now(),
        idle: !this.running && this.queue.length === 0,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(pending);
      this.options.observer?.queueDepth(this.queue.length);
      this.schedule();
    });
  }

  /** Refuses every input from now on (INFERENCE_UNAVAILABLE: "<name> <why>"); resolves once those accepted are done. */
  close(why: string): Promise<void> {
    this.closed ??= why;
    this.schedule();
    return this.idle();
  }

  /** Resolves once nothing waits and nothing runs. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private remove(pending: Pending<I, O>): boolean {
    const index = this.queue.indexOf(pending);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    pending.detach();
    this.options.observer?.queueDepth(this.queue.length);
    this.notifyIdle();
    return true;
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    const oldest = this.queue[0];
    const waitMs = oldest === undefined ? 0 : oldest.enqueuedAt + this.options.maxDelayMs - Date.now();
    // Once closed, nothing more joins the queue: waiting longer would only delay it.
    if (this.queue.length >= this.options.maxBatchSize || waitMs <= 0 || this.closed !== undefined) {
      this.flush();
    } else if (oldest?.idle === true) {
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        this.flush();
      });
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, waitMs);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearImmediate(this.immediate);
    this.immediate = undefined;
    const now = Date.now();
    const batch: Pending<I, O>[] = [];
    while (batch.length < this.options.maxBatchSize && this.queue.length > 0) {
      const pending = this.queue.shift() as Pending<I, O>;
      pending.detach();
      if (pending.deadline <= now) {
        this.options.observer?.dropped('deadline');
        pending.reject(
          new InferGraphError(
            'INFERENCE_TIMEOUT',
            `${this.options.name}: deadline passed after ${now - pending.enqueuedAt} ms in the queue; not run`,
          ),
        );
      } else {
        batch.push(pending);
      }
    }
    this.options.observer?.queueDepth(this.queue.length);
    if (batch.length === 0) {
      this.notifyIdle();
      return;
    }
    this.running = true;
    void this.runBatch(batch).finally(() => {
      this.running = false;
      this.notifyIdle();
      this.schedule();
    });
  }

  private async runBatch(batch: readonly Pending<I, O>[]): Promise<void> {
    const started = Date.now();
    let outputs: O[];
    try {
      outputs = await this.options.run(batch.map((p) => p.input));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      for (const p of batch) p.reject(new InferGraphError('INFERENCE_FAILED', `${this.options.name} failed: ${message}`));
      return;
    }
    this.options.observer?.batchRan(batch.length, Date.now() - started);
    if (!Array.isArray(outputs) || outputs.length !== batch.length) {
      const got = Array.isArray(outputs) ? `${outputs.length} outputs` : typeof outputs;
      for (const p of batch) {
        p.reject(
          new InferGraphError(
            'INFERENCE_FAILED',
            `${this.options.name}: a model's run() must answer an array with one output per input (${batch.length}), got ${got}`,
          ),
        );
      }
      return;
    }
    batch.forEach((p, i) => p.resolve({ output: outputs[i] as O, batchSize: batch.length }));
  }

  private notifyIdle(): void {
    if (this.running || this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function cancelled(name: string): InferGraphError {
  return new InferGraphError('INFERENCE_UNAVAILABLE', `${name}: the call was cancelled before its batch ran`);
}
