/**
 * A live copy of the inference registry (versions, default, canary), kept
 * fresh by one WatchModels stream: no polling. When the stream breaks it
 * reconnects (at once after a stream that was up, as when inference-grpc
 * rotates a connection at GRPC_MAX_CONNECTION_AGE_MS; then with a capped
 * backoff) and the first events after reconnecting are a full snapshot again.
 * The last known policy keeps serving meanwhile, and the catalog still counts
 * as synced for RESYNC_GRACE_MS, so a routine reconnection does not turn the
 * subgraph unready.
 */
import type { ClientReadableStream } from '@grpc/grpc-js';

import type { ModelEvent__Output } from '../../../../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import type { ModelInferenceClient } from '../../../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { Logger } from '../../../../../lib/logger';
import type { ModelView } from '../../domain';
import type { Catalog } from '../backend';
import { SyncWaiters } from '../sync-waiters';
import { fromWireModel } from './wire';

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;
const RESYNC_GRACE_MS = 2000;

export class RegistryCatalog implements Catalog {
  private readonly models = new Map<string, ModelView>();
  private stream: ClientReadableStream<ModelEvent__Output> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delayMs = RECONNECT_MIN_MS;
  private disposed = false;
  private connected = false;
  /** When the last stream that was up ended. */
  private disconnectedAt = Number.NEGATIVE_INFINITY;
  private readonly waiters = new SyncWaiters(() => this.synced, 'the model registry mirror');

  constructor(
    private readonly client: ModelInferenceClient,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.watch();
  }

  /** True while the watch stream is up and has sent its snapshot, or went down less than RESYNC_GRACE_MS ago. */
  get synced(): boolean {
    return this.models.size > 0 && (this.connected || Date.now() - this.disconnectedAt < RESYNC_GRACE_MS);
  }

  get(name: string): ModelView | undefined {
    return this.models.get(name);
  }

  /** Resolves once the catalog is synced (at once if it already is); rejects if it is disposed first. */
  whenSynced(): Promise<void> {
    return this.waiters.wait();
  }

  dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.timer);
    this.stream?.cancel();
    this.waiters.dispose();
    return Promise.resolve();
  }

  private watch(): void {
    if (this.disposed) return;
    const stream = this.client.WatchModels({});
    this.stream = stream;
    stream.on('data', (event: ModelEvent__Output) => {
      if (!event.model) return;
      this.connected = true;
      this.delayMs = RECONNECT_MIN_MS;
      this.models.set(event.model.name, fromWireModel(event.model));
      this.waiters.check();
    });
    let ended = false;
    const reconnect = (reason: string): void => {
      if (ended) return;
      ended = true;
      const wasUp = this.connected;
      this.connected = false;
      if (this.disposed) return;
      if (wasUp) this.disconnectedAt = Date.now();
      const delay = wasUp ? 0 : this.delayMs;
      this.logger.warn({ reason, retryInMs: delay }, 'model registry watch ended; reconnecting');
      this.timer = setTimeout(() => this.watch(), delay);
      if (!wasUp) this.delayMs = Math.min(this.delayMs * 2, RECONNECT_MAX_MS);
    };
    stream.on('error', (err: Error) => reconnect(err.message));
    stream.on('end', () => reconnect('stream ended'));
  }
}
