/**
 * A live copy of the inference registry, kept current by one WatchModels
 * stream: no polling and no call per read. Every stream opens with a
 * SNAPSHOT of every model and then SNAPSHOT_END; the copy counts as synced
 * once a whole snapshot has come, and the snapshot after a reconnection
 * replaces the copy whole (a resync: nothing missed while the stream was down
 * survives it). When the stream breaks it reconnects, at once after a stream
 * that was up (as when inference-grpc rotates a connection at
 * GRPC_MAX_CONNECTION_AGE_MS), then with a capped backoff. The last copy still
 * counts as synced for `maxStalenessMs` after its stream went down, so a
 * routine reconnection changes nothing, and no longer: past that bound
 * `current()` refuses with INFERENCE_UNAVAILABLE naming the setting, rather
 * than answer stale data forever.
 */
import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';

import { InferGraphError } from '../errors';
import type { RegistryModel } from '../registry-model';
import { SyncWaiters } from '../sync-waiters';
import { describeCallFailure } from './call-failure';
import type { InferenceCallOptions } from './call-failure';
import type { ModelEvent__Output } from './generated/infergraph/inference/v1/ModelEvent';
import type { ModelInferenceClient } from './generated/infergraph/inference/v1/ModelInference';
import { fromWireModel } from './registry-wire';

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

export interface RegistryWatchOptions {
  /** How long the copy still counts as current after its stream went down. */
  readonly maxStalenessMs: number;
  /** The setting that gives `maxStalenessMs`, named in the error past it. */
  readonly stalenessSetting: string;
  /** Where the stream goes, for errors and the log; its `deadlineMs` bounds how long a read waits for the first snapshot. */
  readonly call: InferenceCallOptions;
  /** How the copy names itself in errors, e.g. "the model registry mirror". */
  readonly what: string;
  /**
   * Called after the copy changed, with the models as it now holds them: every model of a whole snapshot (the first,
   * or a resync), or the one model that changed on the live stream.
   */
  readonly onChange?: (models: readonly RegistryModel[]) => void;
  /** Called when the copy stops counting as current: its stream has been down past `maxStalenessMs`. */
  readonly onStale?: (error: InferGraphError) => void;
}

export class RegistryWatch {
  private models = new Map<string, RegistryModel>();
  /** The snapshot arriving on a new stream, until its SNAPSHOT_END. */
  private incoming: Map<string, RegistryModel> | undefined;
  private stream: ClientReadableStream<ModelEvent__Output> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Fires `onStale` once the stream has been down past `maxStalenessMs`. */
  private staleTimer: NodeJS.Timeout | undefined;
  private delayMs = RECONNECT_MIN_MS;
  private disposed = false;
  /** The stream has sent its whole snapshot and is still open. */
  private up = false;
  private everSynced = false;
  /** When the last stream that was up ended. */
  private downSince = Number.NEGATIVE_INFINITY;
  /** Why the last stream ended. */
  private failure: InferGraphError | undefined;
  private readonly waiters: SyncWaiters;

  constructor(
    private readonly client: ModelInferenceClient,
    private readonly options: RegistryWatchOptions,
  ) {
    this.waiters = new SyncWaiters(() => this.synced, options.what);
  }

  start(): void {
    this.watch();
  }

  /** True once a whole snapshot has come, while its stream is up or went down at most `maxStalenessMs` ago. */
  get synced(): boolean {
    return this.everSynced && (this.up || Date.now() - this.downSince <= this.options.maxStalenessMs);
  }

  /** The last known description of `name`, current or not. */
  get(name: string): RegistryModel | undefined {
    return this.models.get(name);
  }

  /** Resolves once the copy is synced (at once if it already is); rejects if it is disposed first. */
  whenSynced(): Promise<void> {
    return this.waiters.wait();
  }

  /**
   * The registry by name while the copy is synced. Before the first snapshot it waits for it (at most the
   * call deadline, and not at all once a stream has failed); otherwise it refuses with INFERENCE_UNAVAILABLE.
   */
  async current(): Promise<ReadonlyMap<string, RegistryModel>> {
    if (this.synced) return this.models;
    if (!this.everSynced && !this.failure) await this.firstSnapshot();
    if (this.synced) return this.models;
    throw this.unavailable();
  }

  /** A model as a write to the registry left it: the next read shows it (read-your-own-write), before the stream repeats it. */
  applied(model: RegistryModel): void {
    this.models.set(model.name, model);
    this.incoming?.set(model.name, model);
  }

  dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.timer);
    clearTimeout(this.staleTimer);
    this.stream?.cancel();
    this.waiters.dispose();
    return Promise.resolve();
  }

  private async firstSnapshot(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.call.deadlineMs);
    });
    try {
      await Promise.race([this.waiters.wait(), deadline]);
    } catch {
      // Disposed before it synced: the caller hears INFERENCE_UNAVAILABLE.
    } finally {
      clearTimeout(timer);
    }
  }

  private unavailable(): InferGraphError {
    const { what, maxStalenessMs, stalenessSetting, call } = this.options;
    const why = this.failure ? `: ${this.failure.message}` : '';
    if (!this.everSynced) {
      const waited = this.failure ? '' : ` within ${call.deadlineMs} ms (INFERENCE_DEADLINE_MS)`;
      return new InferGraphError('INFERENCE_UNAVAILABLE', `${what} has not received the registry from ${call.service}${waited}${why}`);
    }
    const downMs = Date.now() - this.downSince;
    return new InferGraphError(
      'INFERENCE_UNAVAILABLE',
      `${what} has had no registry stream from ${call.service} for ${downMs} ms, longer than ${stalenessSetting} (${maxStalenessMs} ms)${why}`,
    );
  }

  private received(event: ModelEvent__Output): void {
    if (event.kind === 'SNAPSHOT_END') {
      if (this.incoming) this.models = this.incoming;
      this.incoming = undefined;
      this.up = true;
      this.everSynced = true;
      this.failure = undefined;
      this.delayMs = RECONNECT_MIN_MS;
      clearTimeout(this.staleTimer);
      this.waiters.check();
      this.options.onChange?.([...this.models.values()]);
      return;
    }
    if (!event.model) return;
    const model = fromWireModel(event.model);
    if (event.kind !== 'SNAPSHOT' || !this.incoming) {
      this.models.set(model.name, model);
      // A change before SNAPSHOT_END is reported with the snapshot it joins.
      if (!this.incoming) this.options.onChange?.([model]);
    }
    this.incoming?.set(model.name, model);
  }

  /** Past `maxStalenessMs` without a resync, tells `onStale`; a resync or dispose clears it. */
  private armStale(): void {
    const { onStale, maxStalenessMs } = this.options;
    if (!onStale) return;
    clearTimeout(this.staleTimer);
    const check = (): void => {
      if (this.disposed || this.up) return;
      if (!this.synced) {
        onStale(this.unavailable());
        return;
      }
      // Timers and Date.now() may disagree by a millisecond: wait for what remains of the bound.
      this.staleTimer = setTimeout(check, maxStalenessMs - (Date.now() - this.downSince) + 1);
      this.staleTimer.unref();
    };
    this.staleTimer = setTimeout(check, maxStalenessMs + 1);
    // It holds no process open.
    this.staleTimer.unref();
  }

  private watch(): void {
    if (this.disposed) return;
    const stream = this.client.WatchModels({});
    this.stream = stream;
    this.incoming = new Map();
    stream.on('data', (event: ModelEvent__Output) => this.received(event));
    let ended = false;
    const reconnect = (failure: InferGraphError): void => {
      if (ended || this.disposed) return;
      ended = true;
      const wasUp = this.up;
      this.up = false;
      this.failure = failure;
      if (wasUp) {
        this.downSince = Date.now();
        this.armStale();
      }
      const delay = wasUp ? 0 : this.delayMs;
      this.options.call.logger.warn({ reason: failure.message, retryInMs: delay }, 'model registry watch ended; reconnecting');
      this.timer = setTimeout(() => this.watch(), delay);
      if (!wasUp) this.delayMs = Math.min(this.delayMs * 2, RECONNECT_MAX_MS);
    };
    stream.on('error', (err: ServiceError) => reconnect(describeCallFailure(err, this.options.call, 'the model registry stream', [])));
    stream.on('end', () =>
      reconnect(new InferGraphError('INFERENCE_UNAVAILABLE', `${this.options.call.service} ended the registry stream`)),
    );
  }
}
