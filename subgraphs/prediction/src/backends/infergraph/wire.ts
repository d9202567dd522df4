/**
 * inference-grpc's ModelInference messages in the subgraph's own words
 * (domain.ts), and back: the one place the infergraph backend maps them.
 */
import { InferGraphError } from '../../../../../lib/errors';
import type { PredictInput } from '../../../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import type { Prediction__Output } from '../../../../../lib/grpc/generated/infergraph/inference/v1/Prediction';
import type { ModelInput, Prediction } from '../../domain';

export function toWireInput(input: ModelInput): PredictInput {
  return input.text !== undefined ? { text: input.text } : { features: { values: [...input.features] } };
}

/** Throws INFERENCE_FAILED for a prediction that carries no output. */
export function fromWirePrediction(p: Prediction__Output): Prediction {
  const common = { modelVersion: p.modelVersion, batchSize: p.batchSize };
  if (p.sentiment)
    return { ...common, sentiment: { label: p.sentiment.label, score: p.sentiment.score, confidence: p.sentiment.confidence } };
  if (p.numeric) return { ...common, numeric: { classId: p.numeric.classId, probability: p.numeric.probability, label: p.numeric.label } };
  throw new InferGraphError('INFERENCE_FAILED', `inference-grpc answered ${p.model}:${p.modelVersion} with no output`);
}
