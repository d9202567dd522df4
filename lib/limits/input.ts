/**
 * The size limits of one model input (MAX_TEXT_LENGTH, MAX_FEATURES), checked
 * by inference-grpc and, before batching, by the prediction subgraph, so one
 * oversized input is refused alone instead of sinking the batch it would join.
 */
import { int } from '../config';
import { InferGraphError } from '../errors';

/** MAX_BATCH_ITEMS: the same name, default and range wherever a batch of inputs is bounded. */
export function maxBatchItemsSetting(doc: string) {
  return int('MAX_BATCH_ITEMS', 256, doc, { min: 1, max: 100_000 });
}

/**
 * MAX_TEXT_LENGTH, MAX_FEATURES and MAX_BATCH_ITEMS for the services that
 * check inputs, so both agree on defaults and ranges; `docs` say where each
 * service checks them.
 */
export function inputLimitSettings(docs: { text: string; features: string; batchItems: string }) {
  return {
    maxTextLength: int('MAX_TEXT_LENGTH', 10000, docs.text, { min: 1, max: 10_000_000 }),
    maxFeatures: int('MAX_FEATURES', 1024, docs.features, { min: 1, max: 1_000_000 }),
    maxBatchItems: maxBatchItemsSetting(docs.batchItems),
  };
}

export interface InputLimits {
  readonly maxTextLength: number;
  readonly maxFeatures: number;
}

function bad(message: string): InferGraphError {
  return new InferGraphError('BAD_USER_INPUT', message);
}

/** Characters are Unicode code points, not UTF-16 units. */
export function checkText(text: string, limits: InputLimits): void {
  if (text.trim() === '') throw bad(`text is empty; send 1 to ${limits.maxTextLength} characters`);
  // Cheap bound first: a string of at most the limit in UTF-16 units cannot exceed it in code points.
  if (text.length <= limits.maxTextLength) return;
  const length = [...text].length;
  if (length > limits.maxTextLength) {
    throw bad(`text has ${length} characters; at most ${limits.maxTextLength} are allowed (MAX_TEXT_LENGTH)`);
  }
}

export function checkFeatureCount(values: readonly unknown[], limits: InputLimits): void {
  if (values.length === 0) throw bad(`features is empty; send 1 to ${limits.maxFeatures} finite numbers`);
  if (values.length > limits.maxFeatures) {
    throw bad(`features has ${values.length} values; at most ${limits.maxFeatures} are allowed (MAX_FEATURES)`);
  }
}
