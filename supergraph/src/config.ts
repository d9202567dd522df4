/** Supergraph (gateway) settings: the only place this service reads the environment. */
import { int, readConfig, str } from '../../lib/config';
import { serviceSettings } from '../../lib/service';
import type { ConfigOf, Env } from '../../lib/config';

export const supergraphSettings = {
  ...serviceSettings(4000, 'HTTP port of /graphql (queries, mutations and graphql-ws subscriptions), /metrics, /health and /ready'),
  predictionUrl: str('PREDICTION_URL', '', 'GraphQL URL of the prediction subgraph; empty uses the routing URL in schema/supergraph.graphql.'),
  modelsUrl: str('MODELS_URL', '', 'GraphQL URL of the models subgraph; empty uses the routing URL in schema/supergraph.graphql.'),
  maxBodyBytes: int('MAX_BODY_BYTES', 1_048_576, 'Largest HTTP request body the gateway reads; past it the answer is 413.', { min: 1024, max: 268_435_456 }),
};

export type SupergraphConfig = ConfigOf<typeof supergraphSettings>;

export function loadSupergraphConfig(env: Env): SupergraphConfig {
  return readConfig(env, supergraphSettings);
}
