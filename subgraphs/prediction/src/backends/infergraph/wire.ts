/**
 * inference-grpc's ModelInference messages in the subgraph's own words
 * (domain.ts), and back: the one place the infergraph backend maps them.
 */
import { InferGraphError } from '../../../../../lib/errors';
import type { PredictInput } from '../../../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import type { Prediction__Output } from '../../../../../lib/grpc/generated/infergraph/inference/v1/Prediction';
import type { VersionStatistics__Output } from '../../../../../lib/grpc/generated/infergraph/inference/v1/VersionStatistics';
import type { ModelInput, Prediction, ServerVersionStats } from '../../domain';

export function toWireInput(input: ModelInput): PredictInput {
  return input.text !== undefined ? { text: input.text } : { features: { values: [...input.features] } };
}

/** Throws INFERENCE_FAILED for a prediction that carries no output. */
export function fromWirePrediction(p: Prediction__Output): Prediction {
  const common = { modelVersion: p.modelVersion, batchSize: p.batchSize, loadId: p.loadId };
  if (p.sentiment)
    return { ...common, sentiment: { label: p.sentiment.label, score: p.sentiment.score, confidence: p.sentiment.confidence } };
  if (p.numeric) return { ...common, numeric: { classId: p.numeric.classId, probability: p.numeric.probability, label: p.numeric.label } };
  throw new InferGraphError('INFERENCE_FAILED', `inference-grpc answered ${p.model}:${p.modelVersion} with no output`);
}

export function fromWireStatistics(v: VersionStatistics__Output): ServerVersionStats {
  return {
    requests: v.requests,
    failures: v.failures,
    latencyP50Ms: v.latency?.p50Ms ?? null,
    latencyP99Ms: v.latency?.p99Ms ?? null,
    meanBatchSize: v.batches === 0 ? null : v.meanBatchSize,
    since: v.windowStart,
  };
}
