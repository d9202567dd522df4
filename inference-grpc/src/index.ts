/** What the stack harness and other services' tests may use of inference-grpc; everything else is internal. */
export { inferenceSettings, loadInferenceConfig } from './config';
export type { InferenceConfig } from './config';
export type { ModelDefinition } from './models/types';
export { startInferenceServer } from './server';
export type { InferenceServer } from './server';
