/**
 * The prediction subgraph's own words for what it handles: a model input, a
 * prediction, and its view of a model (versions, default, canary). Routing,
 * the cache key, batching and the resolvers speak only these; the generated
 * gRPC types stay in the backends (backends/infergraph, backends/oip), each
 * of which maps them in its own wire file.
 */

/** One input of a model: text for text models (sentiment), features for numeric ones. */
export type ModelInput =
  { readonly text: string; readonly features?: undefined } | { readonly features: readonly number[]; readonly text?: undefined };

export interface SentimentAnswer {
  readonly label: string;
  readonly score: number;
  readonly confidence: number;
}

export interface NumericAnswer {
  readonly classId: number;
  readonly probability: number;
  readonly label: string;
}

interface PredictionOf {
  /** The version that answered. */
  readonly modelVersion: string;
  /** How many inputs the answering call or server batch held. */
  readonly batchSize: number;
  /**
   * Which load of the version answered (ModelVersionView.loadId); empty when the server named none (an older
   * inference-grpc), null when the protocol never names one (OIP).
   */
  readonly loadId: string | null;
}

/** One model's answer to one input: a sentiment or a numeric class. */
export type Prediction =
  | (PredictionOf & { readonly sentiment: SentimentAnswer; readonly numeric?: undefined })
  | (PredictionOf & { readonly numeric: NumericAnswer; readonly sentiment?: undefined });

export type InputKind = 'TEXT' | 'FEATURES';

export type VersionState = 'UNLOADED' | 'LOADING' | 'LOADED' | 'FAILED';

export interface ModelVersionView {
  readonly version: string;
  /** Unknown when the server does not say. */
  readonly state: VersionState | null;
  /**
   * RFC 3339 time the version's current load finished, which every load changes; null while it is not loaded. An
   * OIP server does not say: there it is when this subgraph first found the version ready, null while it is not.
   */
  readonly loadedAt: string | null;
  /**
   * Which load serves, named alike by every replica serving the same load of the same artifact; null while the
   * version is not loaded. An OIP server does not say: there it is `loadedAt`.
   */
  readonly loadId: string | null;
  readonly default: boolean;
  readonly canary: boolean;
}

/** What the subgraph knows of one model: read by routing (canary.ts), input checks and metric labels. */
export interface ModelView {
  readonly name: string;
  /** Unknown when the server does not say. */
  readonly inputKind: InputKind | null;
  readonly defaultVersion: string;
  /** Null when the model has no canary. */
  readonly canary: { readonly version: string; readonly percent: number } | null;
  readonly versions: readonly ModelVersionView[];
}

/** A model server's figures for one version over a window (ModelStatistics); null where the server does not say. */
export interface ServerVersionStats {
  /** Inputs the server answered, failures included. */
  readonly requests: number;
  readonly failures: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  readonly meanBatchSize: number | null;
  /** RFC 3339 start of the window the figures cover. */
  readonly since: string;
}
