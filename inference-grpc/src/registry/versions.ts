/**
 * One version of a model and its loading: on first use (or all at start-up),
 * once however many calls ask at the same time. A version that failed to
 * load answers INFERENCE_UNAVAILABLE at once for `loadRetryMs` before the
 * next attempt, so a broken version is never reloaded in a hot loop.
 */
import { InferGraphError } from '../../../lib/errors';
import type { LoadedModel, ModelVersionDefinition } from '../models/types';

export type VersionState = 'UNLOADED' | 'LOADING' | 'LOADED' | 'FAILED';

export interface VersionStatus {
  readonly state: VersionState;
  readonly loadedAt: Date | undefined;
  readonly loadError: string | undefined;
}

export interface VersionLoadOptions {
  readonly loadRetryMs: number;
  readonly now: () => number;
  /** Told once each load has succeeded or failed. */
  readonly settled: (outcome: 'VERSION_LOADED' | 'VERSION_FAILED') => void;
}

export class ModelVersion {
  private state: VersionState = 'UNLOADED';
  private loaded: LoadedModel | undefined;
  private loading: Promise<LoadedModel> | undefined;
  private loadedAt: Date | undefined;
  private loadError: string | undefined;
  private failedAt = 0;

  constructor(
    private readonly model: string,
    readonly definition: ModelVersionDefinition,
    private readonly options: VersionLoadOptions,
  ) {
    if (definition.unavailable !== undefined) {
      this.state = 'FAILED';
      this.loadError = definition.unavailable;
      this.failedAt = options.now();
    }
  }

  get status(): VersionStatus {
    return { state: this.state, loadedAt: this.loadedAt, loadError: this.loadError };
  }

  /** The loaded version, loading it first if needed. */
  async acquire(): Promise<LoadedModel> {
    if (this.loaded) return this.loaded;
    const { now, loadRetryMs } = this.options;
    if (this.state === 'FAILED' && now() - this.failedAt < loadRetryMs) {
      const retryIn = Math.ceil((this.failedAt + loadRetryMs - now()) / 1000);
      throw new InferGraphError(
        'INFERENCE_UNAVAILABLE',
        `${this.model}:${this.definition.version} failed to load (${this.loadError ?? 'unknown error'}); next attempt in ${retryIn} s`,
      );
    }
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<LoadedModel> {
    this.state = 'LOADING';
    try {
      const loaded = await this.definition.load();
      this.state = 'LOADED';
      this.loaded = loaded;
      this.loadedAt = new Date(this.options.now());
      this.loadError = undefined;
      this.options.settled('VERSION_LOADED');
      return loaded;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.state = 'FAILED';
      this.loadError = message;
      this.failedAt = this.options.now();
      this.options.settled('VERSION_FAILED');
      throw new InferGraphError('INFERENCE_UNAVAILABLE', `${this.model}:${this.definition.version} failed to load (${message})`);
    } finally {
      this.loading = undefined;
    }
  }
}
