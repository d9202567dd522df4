/** What the stack harness and other services' tests may use of the models subgraph; everything else is internal. */
export { loadModelsConfig, modelsSettings } from './config';
export type { ModelsConfig } from './config';
export { startModelsSubgraph } from './server';
export type { ModelsSubgraph } from './server';
