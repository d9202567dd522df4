/** What the stack harness and other services' tests may use of the prediction subgraph; everything else is internal. */
export { loadPredictionConfig, predictionSettings } from './config';
export type { PredictionConfig } from './config';
export { startPredictionSubgraph } from './server';
export type { PredictionSubgraph } from './server';
