/**
 * One version of a model and its loading: on first use (or all at start-up),
 * once however many calls ask at the same time. A version that failed to
 * load answers INFERENCE_UNAVAILABLE at once for `loadRetryMs` before the
 * next attempt, so a broken version is never reloaded in a hot loop.
 *
 * A load is done when the version has run its warmup inputs: only then is it
 * LOADED and handed to callers; a warmup that fails makes it FAILED. Each
 * load serving has an id (`loadId`): the cluster-wide load count it was made
 * for and its artifact's sha256, so replicas serving the same load of the
 * same bytes name it alike, and a reload, here or elsewhere, names a new one. A
 * version unloaded on purpose (`unload`) refuses callers, and is not loaded
 * again by one, until `load` is asked for. Explicit loads and unloads of one
 * version run one after the other.
 */
import { InferGraphError } from '../../../lib/errors';
import type { LoadedModel, ModelInput, ModelVersionDefinition } from '../models/types';

export type VersionState = 'UNLOADED' | 'LOADING' | 'LOADED' | 'FAILED';

export interface VersionStatus {
  readonly state: VersionState;
  readonly loadedAt: Date | undefined;
  /** Which load serves (see loadIdOf); undefined while none does. */
  readonly loadId: string | undefined;
  /** The shared load count the load serving was made for; undefined while none serves. */
  readonly loadCount: number | undefined;
  readonly loadError: string | undefined;
  /** Unloaded on purpose: it loads again only when asked to (RepositoryModelLoad). */
  readonly unloaded: boolean;
}

export type VersionEventKind = 'VERSION_LOADED' | 'VERSION_FAILED' | 'VERSION_UNLOADED';

export interface VersionLoadOptions {
  readonly loadRetryMs: number;
  readonly now: () => number;
  /** The shared load count of the version (TrafficPolicy.loads) now: a load on first use is made for it. */
  readonly loadCount: () => number;
  readonly warmup: readonly ModelInput[];
  /** Told once each load has succeeded or failed, and once each unload is done. */
  readonly settled: (outcome: VersionEventKind) => void;
  /** Resolves once nothing runs on `loaded` any more and nothing new will (the engine drains its queue). */
  readonly drain: (loaded: LoadedModel) => Promise<void>;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A load's name: the shared load count it was made for, and the first 16 hex digits of its artifact's sha256. */
function loadName(count: number, loaded: LoadedModel): { readonly id: string; readonly count: number } {
  return { id: loaded.digest === undefined ? String(count) : `${count}:${loaded.digest.slice(0, 16)}`, count };
}

export class ModelVersion {
  private state: VersionState = 'UNLOADED';
  private loaded: LoadedModel | undefined;
  private loading: Promise<LoadedModel> | undefined;
  private loadedAt: Date | undefined;
  /** Per model loaded here, its load's id: what answers from it are stamped with (the engine asks for it). */
  private readonly loadIds = new WeakMap<LoadedModel, ReturnType<typeof loadName>>();
  /** The highest shared load count a load was started for: the one following the policy waits for, or retries. */
  private requested = 0;
  private loadError: string | undefined;
  private failedAt = 0;
  private unloaded = false;
  /** The unload asked for last, until the version is allowed to load again: asking again waits for it. */
  private unloading: Promise<void> | undefined;
  /** The explicit load or unload under way; the next one starts after it. */
  private transition: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly model: string,
    private current: ModelVersionDefinition,
    private readonly options: VersionLoadOptions,
  ) {
    if (current.unavailable !== undefined) this.failed(current.unavailable);
  }

  get definition(): ModelVersionDefinition {
    return this.current;
  }

  get status(): VersionStatus {
    const serving = this.loaded && this.loadIds.get(this.loaded);
    return {
      state: this.state,
      loadedAt: this.loadedAt,
      loadId: serving?.id,
      loadCount: serving?.count,
      loadError: this.loadError,
      unloaded: this.unloaded,
    };
  }

  /** The highest shared load count a load of it was started for (following the policy reloads it below the policy's). */
  get requestedLoadCount(): number {
    return this.requested;
  }

  /** The id of the load `loaded` is; empty for one this version never loaded. */
  loadIdOf(loaded: LoadedModel): string {
    return this.loadIds.get(loaded)?.id ?? '';
  }

  /** The loaded version, loading it first if needed. */
  async acquire(): Promise<LoadedModel> {
    if (this.unloaded) {
      throw new InferGraphError('INFERENCE_UNAVAILABLE', `${this.name} is unloaded; load it with loadModelVersion`);
    }
    if (this.loaded) return this.loaded;
    const { now, loadRetryMs } = this.options;
    if (this.state === 'FAILED' && now() - this.failedAt < loadRetryMs) {
      const retryIn = Math.ceil((this.failedAt + loadRetryMs - now()) / 1000);
      throw new InferGraphError(
        'INFERENCE_UNAVAILABLE',
        `${this.name} failed to load (${this.loadError ?? 'unknown error'}); next attempt in ${retryIn} s`,
      );
    }
    this.loading ??= this.load();
    return this.loading;
  }

  /**
   * Loads the version from `definition` (its folder scanned again) and warms it up, whatever its state: a failed
   * version is tried at once, an unloaded one is allowed again, a loaded one is replaced once the new one is warm
   * (calls keep going to the old one meanwhile, which is then drained). Resolves once it serves. `loadCount` is the
   * shared load count it is made for: the one the shared policy will hold once this load is shared (an admin's load).
   */
  reload(definition: ModelVersionDefinition, loadCount = this.options.loadCount()): Promise<void> {
    this.requested = Math.max(this.requested, loadCount);
    return this.serially(async () => {
      this.current = definition;
      this.allow();
      // A first-use load under way may have read the files before they changed: it finishes, then this one loads.
      await this.loading?.catch(() => undefined);
      const previous = this.loaded;
      if (!previous) {
        await (this.loading ?? this.load(loadCount));
        return;
      }
      let fresh: LoadedModel;
      try {
        fresh = await this.warm(await definition.load());
      } catch (err) {
        // The version it replaces keeps serving: a reload that fails takes nothing away. Following the policy tries it
        // again when the next policy is applied.
        this.requested = this.loadIds.get(previous)?.count ?? 0;
        throw new InferGraphError('INFERENCE_UNAVAILABLE', `${this.name} failed to reload (${message(err)}); the loaded one still serves`);
      }
      this.loadIds.set(fresh, loadName(loadCount, fresh));
      this.loaded = fresh;
      this.loadedAt = new Date(this.options.now());
      this.options.settled('VERSION_LOADED');
      void this.options.drain(previous);
    });
  }

  /** Lets the version load again after an unload without loading it (it loads on first use). */
  allow(): void {
    this.unloaded = false;
    this.unloading = undefined;
  }

  /**
   * Refuses new callers at once, waits for what runs on the version to finish, then frees it: UNLOADED, and it
   * stays so (no lazy load) until `reload` or `allow`.
   */
  unload(): Promise<void> {
    if (this.unloaded && this.unloading) return this.unloading;
    this.unloaded = true;
    this.unloading = this.serially(async () => {
      await this.loading?.catch(() => undefined);
      const loaded = this.loaded;
      if (!this.unloaded) return;
      if (loaded) await this.options.drain(loaded);
      if (!this.unloaded || this.loaded !== loaded) return;
      this.loaded = undefined;
      this.state = 'UNLOADED';
      this.loadedAt = undefined;
      this.loadError = undefined;
      this.options.settled('VERSION_UNLOADED');
    });
    return this.unloading;
  }

  private get name(): string {
    return `${this.model}:${this.current.version}`;
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.transition.then(work, work);
    this.transition = run.catch(() => undefined);
    return run;
  }

  /** Runs the warmup inputs as one batch; the model's error, or a wrong answer, fails the load. */
  private async warm(loaded: LoadedModel): Promise<LoadedModel> {
    const { warmup } = this.options;
    if (warmup.length === 0) return loaded;
    let outputs: unknown;
    try {
      outputs = await loaded.run(warmup);
    } catch (err) {
      throw new Error(`warmup failed: ${message(err)}`);
    }
    if (!Array.isArray(outputs) || outputs.length !== warmup.length)
      throw new Error(`warmup failed: ${warmup.length} inputs got ${Array.isArray(outputs) ? outputs.length : 'no'} outputs`);
    return loaded;
  }

  private failed(reason: string): void {
    this.state = 'FAILED';
    this.loadError = reason;
    this.failedAt = this.options.now();
  }

  private load(loadCount = this.options.loadCount()): Promise<LoadedModel> {
    this.requested = Math.max(this.requested, loadCount);
    this.state = 'LOADING';
    const loading = (async () => {
      try {
        // Through a promise, so a load() that throws at once still settles after `loading` is set.
        const loaded = await this.warm(await Promise.resolve().then(() => this.current.load()));
        this.loadIds.set(loaded, loadName(loadCount, loaded));
        this.state = 'LOADED';
        this.loaded = loaded;
        this.loadedAt = new Date(this.options.now());
        this.loadError = undefined;
        this.options.settled('VERSION_LOADED');
        return loaded;
      } catch (err) {
        this.failed(message(err));
        this.options.settled('VERSION_FAILED');
        throw new InferGraphError('INFERENCE_UNAVAILABLE', `${this.name} failed to load (${message(err)})`);
      } finally {
        this.loading = undefined;
      }
    })();
    this.loading = loading;
    return loading;
  }
}
