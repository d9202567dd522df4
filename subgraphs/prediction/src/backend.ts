/**
 * The prediction subgraph's edge towards its model servers: where the model
 * catalog (versions, default, canary) comes from, and how one batch of inputs
 * is sent. Two implementations: `infergraph` (our ModelInference RPCs, the
 * registry read over WatchModels) and `oip` (any Open Inference Protocol v2
 * server, the traffic policy from configuration). Chosen by INFERENCE_PROTOCOL.
 */
import type { ModelInfo__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import type { Logger } from '../../../lib/logger';
import type { SendBatch } from './batching';
import type { PredictionConfig } from './config';
import { createInfergraphBackend } from './infergraph-backend';
import { createOipBackend } from './oip/backend';

/** What the subgraph knows of the models: read by routing (canary.ts) and input checks. */
export interface Catalog {
  /** True while the catalog is current; /ready answers 503 otherwise. */
  readonly synced: boolean;
  get(name: string): ModelInfo__Output | undefined;
  /** Resolves once the catalog is synced (at once if it already is); rejects if it is disposed first. */
  whenSynced(): Promise<void>;
}

export interface InferenceBackend {
  readonly catalog: Catalog;
  /** One promise per input, in order, each settling with that input's own prediction or error. */
  readonly predictBatch: SendBatch;
  /** Closes the channel and stops keeping the catalog fresh. */
  close(): void;
}

export function createBackend(config: PredictionConfig, logger: Logger): InferenceBackend {
  return config.inferenceProtocol === 'oip' ? createOipBackend(config, logger) : createInfergraphBackend(config, logger);
}
