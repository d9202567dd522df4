/**
 * A live copy of the inference registry (versions, default, canary), kept
 * fresh by one WatchModels stream: no polling. When the stream breaks it
 * reconnects with a capped backoff and the first events after reconnecting
 * are a full snapshot again. The last known policy keeps serving meanwhile.
 */
import type { ClientReadableStream } from '@grpc/grpc-js';

import type { ModelEvent__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import type { ModelInferenceClient } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { ModelInfo__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import type { Logger } from '../../../lib/logger';

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

export class ModelCatalog {
  private readonly models = new Map<string, ModelInfo__Output>();
  private stream: ClientReadableStream<ModelEvent__Output> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delayMs = RECONNECT_MIN_MS;
  private disposed = false;
  private connected = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly client: ModelInferenceClient,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.watch();
  }

  /** True while the watch stream is up and has sent its snapshot. */
  get synced(): boolean {
    return this.connected && this.models.size > 0;
  }

  get(name: string): ModelInfo__Output | undefined {
    return this.models.get(name);
  }

  /** Resolves once the catalog is synced (at once if it already is). */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!this.synced) return;
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.stream?.cancel();
    this.listeners.clear();
  }

  private watch(): void {
    if (this.disposed) return;
    const stream = this.client.WatchModels({});
    this.stream = stream;
    stream.on('data', (event: ModelEvent__Output) => {
      if (!event.model) return;
      this.connected = true;
      this.delayMs = RECONNECT_MIN_MS;
      this.models.set(event.model.name, event.model);
      for (const listener of [...this.listeners]) listener();
    });
    let ended = false;
    const reconnect = (reason: string): void => {
      if (ended) return;
      ended = true;
      this.connected = false;
      if (this.disposed) return;
      this.logger.warn({ reason, retryInMs: this.delayMs }, 'model registry watch ended; reconnecting');
      this.timer = setTimeout(() => this.watch(), this.delayMs);
      this.delayMs = Math.min(this.delayMs * 2, RECONNECT_MAX_MS);
    };
    stream.on('error', (err: Error) => reconnect(err.message));
    stream.on('end', () => reconnect('stream ended'));
  }
}
