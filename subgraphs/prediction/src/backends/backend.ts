/**
 * The prediction subgraph's edge towards its model servers, as types: where
 * the model catalog (versions, default, canary) comes from, and how one
 * batch of inputs is sent. Two implementations, one contract suite each for
 * backends (backend-contract.ts) and catalogs (catalog-contract.ts):
 * `infergraph/` (our ModelInference RPCs, the registry read over
 * WatchModels) and `oip/` (any Open Inference Protocol v2 server, the
 * traffic policy from configuration); create-backend.ts chooses by
 * INFERENCE_PROTOCOL.
 */
import type { ModelInput, ModelView, Prediction, ServerVersionStats } from '../domain';

/** What the subgraph knows of the models: read by routing (canary.ts) and input checks. */
export interface Catalog {
  /** True while the catalog is current; /ready answers 503 otherwise. */
  readonly synced: boolean;
  get(name: string): ModelView | undefined;
  /** Resolves once the catalog is synced (at once if it already is); rejects if it is disposed first. */
  whenSynced(): Promise<void>;
  /** Stops keeping the catalog fresh. */
  dispose(): Promise<void>;
}

/** Where one batch goes; an empty version lets the server choose its default. */
export interface BatchTarget {
  readonly model: string;
  readonly version: string;
}

/** One promise per input, in order, each settling as soon as that input is answered. */
export type BatchAnswer = Promise<Prediction>[];

/** Sends one batch; answers one promise per input, in order, each with that input's own prediction or error. */
export type SendBatch = (target: BatchTarget, inputs: readonly ModelInput[], requestIds: readonly string[]) => BatchAnswer;

/**
 * Reads the server's statistics of many versions in one call; answers one entry per target, in order, null for a
 * version the server has no statistics of (or a server with none at all).
 */
export type ReadStatistics = (targets: readonly BatchTarget[]) => Promise<(ServerVersionStats | null)[]>;

export interface InferenceBackend {
  readonly catalog: Catalog;
  readonly predictBatch: SendBatch;
  readonly statistics: ReadStatistics;
  /** Stops keeping the catalog fresh and closes the channel. */
  dispose(): Promise<void>;
}
