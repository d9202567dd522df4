/** Conversions between the registry / engine values and the generated proto messages. */
import type { InferGraphError } from '../../../lib/errors';
import { grpcStatusOf } from '../../../lib/grpc/errors';
import type { ModelInfo } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import type { PredictBatchItem } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictBatchItem';
import type { Prediction } from '../../../lib/grpc/generated/infergraph/inference/v1/Prediction';
import type { PredictionResult } from '../engine/engine';
import type { ModelSnapshot } from '../registry/model-registry';

export function predictionToWire(result: PredictionResult): Prediction {
  const { output } = result;
  const common = {
    model: result.model,
    modelVersion: result.version,
    batchSize: result.batchSize,
    latencyMs: result.latencyMs,
  };
  return output.kind === 'sentiment'
    ? { ...common, sentiment: { label: output.label, score: output.score, confidence: output.confidence } }
    : { ...common, numeric: { classId: output.classId, probability: output.probability, label: output.label } };
}

export function batchItemToWire(item: PredictionResult | InferGraphError): PredictBatchItem {
  return 'output' in item
    ? { prediction: predictionToWire(item) }
    : { error: { grpcCode: grpcStatusOf(item.code), code: item.code, message: item.message } };
}

export function modelToWire(model: ModelSnapshot): ModelInfo {
  return {
    name: model.name,
    description: model.description,
    inputKind: model.inputKind,
    defaultVersion: model.defaultVersion,
    canary: model.canary ? { version: model.canary.version, percent: model.canary.percent } : null,
    versions: model.versions.map((v) => ({
      version: v.version,
      description: v.description,
      state: v.state,
      loaded: v.state === 'LOADED',
      loadedAt: v.loadedAt?.toISOString() ?? '',
      loadError: v.loadError ?? '',
      default: v.isDefault,
      canary: v.isCanary,
    })),
  };
}
