/** Supergraph (gateway) settings: the only place this service reads the environment. */
import { int, readConfig, str } from '../../lib/config';
import { serviceSettings } from '../../lib/service';
import type { ConfigOf, Env } from '../../lib/config';

export const supergraphSettings = {
  ...serviceSettings(4000, 'HTTP port of /graphql (queries, mutations and graphql-ws subscriptions), /metrics, /health and /ready'),
  predictionUrl: str('PREDICTION_URL', '', 'GraphQL URL of the prediction subgraph; empty uses the routing URL in schema/supergraph.graphql.'),
  modelsUrl: str('MODELS_URL', '', 'GraphQL URL of the models subgraph; empty uses the routing URL in schema/supergraph.graphql.'),
  maxOperationBytes: int('MAX_OPERATION_BYTES', 16384, 'Longest operation text (query document), in bytes; past it QUERY_TOO_COMPLEX.', { min: 64, max: 10_485_760 }),
  maxDepth: int('MAX_QUERY_DEPTH', 12, 'Deepest field nesting an operation may have; past it QUERY_TOO_COMPLEX.', { min: 1, max: 1000 }),
  maxAliases: int('MAX_ALIASES', 30, 'Most aliases in one operation; past it QUERY_TOO_COMPLEX.', { min: 0, max: 100_000 }),
  maxCost: int('MAX_QUERY_COST', 1000, 'Most predictions one operation may ask for (predict costs 1, predictBatch its inputs); past it QUERY_TOO_COMPLEX.', {
    min: 1,
    max: 1_000_000,
  }),
  maxBatchItems: int('MAX_BATCH_ITEMS', 256, 'Most inputs of one predictBatch; past it QUERY_TOO_COMPLEX before any subgraph is called.', { min: 1, max: 100_000 }),
  maxBodyBytes: int('MAX_BODY_BYTES', 1_048_576, 'Largest HTTP request body the gateway reads; past it the answer is 413.', { min: 1024, max: 268_435_456 }),
};

export type SupergraphConfig = ConfigOf<typeof supergraphSettings>;

export function loadSupergraphConfig(env: Env): SupergraphConfig {
  return readConfig(env, supergraphSettings);
}
