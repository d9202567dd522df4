/** What the stack harness and other services' tests may use of the supergraph; everything else is internal. */
export { loadSupergraphConfig, supergraphSettings } from './config';
export type { SupergraphConfig } from './config';
export { startSupergraph } from './server';
export type { Supergraph, SupergraphOptions } from './server';
