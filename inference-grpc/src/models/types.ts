/** What a model version is to the rest of the service: something that loads, then runs batches. */

export type ModelInput =
  { readonly kind: 'text'; readonly text: string } | { readonly kind: 'features'; readonly values: readonly number[] };

export type SentimentLabel = 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL';

export type ModelOutput =
  | { readonly kind: 'sentiment'; readonly label: SentimentLabel; readonly score: number; readonly confidence: number }
  | { readonly kind: 'numeric'; readonly classId: number; readonly probability: number; readonly label: string };

export interface LoadedModel {
  /**
   * Runs one batch; answers one output per input, in order. The batcher calls
   * it for one batch at a time per version, so a model may hold a device.
   */
  run(inputs: readonly ModelInput[]): Promise<ModelOutput[]>;
  /** The sha256 of the artifact it was loaded from, when it comes from the model repository (its manifest's, checked). */
  readonly digest?: string;
}

export interface ModelVersionDefinition {
  readonly version: string;
  readonly description: string;
  /** Set when the version's files were found broken at start-up: it starts FAILED with this reason, and load() tries again later. */
  readonly unavailable?: string;
  load(): Promise<LoadedModel>;
}

export type InputKind = 'TEXT' | 'FEATURES';

/** A model's own batching limits (its config.json `dynamicBatching`); each one left out is the server's setting. */
export interface BatchingKnobs {
  readonly maxBatchSize?: number;
  readonly maxDelayMs?: number;
  readonly maxQueue?: number;
}

export interface ModelDefinition {
  readonly name: string;
  readonly description: string;
  readonly inputKind: InputKind;
  /** The default version and canary the model starts with (DEFAULT_MODEL_VERSIONS and CANARY override them). */
  readonly defaultVersion: string;
  readonly canary: { readonly version: string; readonly percent: number } | undefined;
  /** Sample inputs every version runs, as one batch, after it loads and before it takes traffic (config.json `warmup`). */
  readonly warmup?: readonly ModelInput[];
  readonly versions: readonly ModelVersionDefinition[];
  /** Overrides BATCH_MAX_SIZE, BATCH_MAX_DELAY_MS and BATCH_MAX_QUEUE for this model's versions. */
  readonly batching?: BatchingKnobs;
  /** Which version folders are served (config.json `versionPolicy`); all when left out. */
  readonly versionPolicy?: VersionPolicy;
}

/** Triton's version_policy: every version folder, the newest `latest` of them (in folder order), or those named. */
export type VersionPolicy =
  | { readonly kind: 'all' }
  | { readonly kind: 'latest'; readonly count: number }
  | { readonly kind: 'specific'; readonly versions: readonly string[] };

/** Where versions come from after start-up: the model repository on disk (repository/scan.ts). */
export interface VersionSource {
  /** The names of a model's version folders now on disk. */
  versionFolders(model: string): string[];
  /** A version's folder scanned afresh; undefined when there is no such folder. */
  scanVersion(model: string, version: string): ModelVersionDefinition | undefined;
}
