/** What the stack harness, other services' tests and the evaluation script may use of inference-grpc; everything else is internal. */
export { inferenceSettings, loadInferenceConfig } from './config';
export type { InferenceConfig } from './config';
export type { ModelDefinition } from './models/types';
export { sentimentModel } from './models/sentiment';
export { startInferenceServer } from './server';
export type { InferenceServer } from './server';
