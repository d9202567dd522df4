/** What the stack harness, other services' tests and the evaluation script and the benches may use of inference-grpc; everything else is internal. */
export { DEFAULT_MODEL_REPOSITORY, inferenceSettings, loadInferenceConfig } from './config';
export type { InferenceConfig } from './config';
export type { ModelDefinition } from './models/types';
export { LEARNED_SENTIMENT_VERSION } from './models/sentiment';
export { repositoryModel, scanRepository } from './repository/scan';
export { V3_DIRECTORY, writeSentimentArtifact } from './models/learned/artifact';
export { DATASETS, loadDataset, loadSentences } from './models/learned/data';
export type { Dataset, LabelledSentence } from './models/learned/data';
export { crossValidateSentiment } from './models/learned/evaluate';
export type { CrossValidation } from './models/learned/evaluate';
export { startInferenceServer } from './server';
export { ModelStatistics } from './statistics';
export type { InferenceServer } from './server';
