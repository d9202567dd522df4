/**
 * ModelInference messages to and from the service's own types: requests
 * into the engine's and the registry's, their answers back. The one place
 * that reads which oneof a message set.
 */
import type { InferGraphError } from '../../../lib/errors';
import { grpcStatusOf } from '../../../lib/grpc/errors';
import type { ModelInfo } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import type { RepositoryModelIndex } from '../../../lib/grpc/generated/infergraph/inference/v1/RepositoryModelIndex';
import type { PredictBatchItem } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictBatchItem';
import type { PredictBatchRequest__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictBatchRequest';
import type { PredictInput__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import type { PredictRequest__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictRequest';
import type { Prediction } from '../../../lib/grpc/generated/infergraph/inference/v1/Prediction';
import type { VersionStatistics } from '../../../lib/grpc/generated/infergraph/inference/v1/VersionStatistics';
import type { SetTrafficPolicyRequest__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/SetTrafficPolicyRequest';
import type { BatchRequest, PredictRequest, PredictionResult } from '../engine/engine';
import type { ModelInput } from '../models/types';
import type { PolicyChange } from '../policy/validation';
import type { ModelSnapshot, VersionInfo } from '../registry/model-registry';
import type { WindowFigures } from '../statistics';

/** The input a message carries, by the oneof it set; undefined when it set none (the engine says what the model takes). */
export function inputFromWire(input: PredictInput__Output | null | undefined): ModelInput | undefined {
  if (input?.input === 'text') return { kind: 'text', text: input.text ?? '' };
  if (input?.input === 'features') return { kind: 'features', values: input.features?.values ?? [] };
  return undefined;
}

export function predictRequestFromWire(request: PredictRequest__Output): PredictRequest {
  return { model: request.model, version: request.version, input: inputFromWire(request.input) };
}

export function batchRequestFromWire(request: PredictBatchRequest__Output): BatchRequest {
  return { model: request.model, version: request.version, inputs: request.inputs.map(inputFromWire) };
}

export function policyChangeFromWire(request: SetTrafficPolicyRequest__Output): PolicyChange {
  return {
    model: request.model,
    defaultVersion: request.defaultVersion === '' ? undefined : request.defaultVersion,
    canary:
      request.canaryChange === 'canary' && request.canary
        ? { version: request.canary.version, percent: request.canary.percent }
        : request.canaryChange === 'clearCanary' && request.clearCanary
          ? null
          : undefined,
  };
}

export function predictionToWire(result: PredictionResult): Prediction {
  const { output } = result;
  const common = {
    model: result.model,
    modelVersion: result.version,
    batchSize: result.batchSize,
    latencyMs: result.latencyMs,
    loadId: result.loadId,
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
      loadId: v.loadId ?? '',
      loadError: v.loadError ?? '',
      unloaded: v.unloaded,
      default: v.isDefault,
      canary: v.isCanary,
    })),
  };
}

export function versionStatisticsToWire(model: string, version: string, figures: WindowFigures): VersionStatistics {
  return {
    model,
    version,
    requests: figures.requests,
    failures: figures.failures,
    latency: figures.latency ? { p50Ms: figures.latency.p50Ms, p99Ms: figures.latency.p99Ms } : null,
    meanBatchSize: figures.meanBatchSize ?? 0,
    batches: figures.batches,
    windowStart: new Date(figures.since).toISOString(),
  };
}

/** Why a version does not serve, for a repository index: its load error, or that it was unloaded on purpose. */
export function versionReason(v: VersionInfo): string {
  if (v.state === 'FAILED') return v.loadError ?? '';
  return v.unloaded ? 'unloaded; load it with RepositoryModelLoad' : '';
}

/** What a repository index lists (ModelInference's and OIP's): every version of every model, or only the LOADED ones when `ready`. */
export function indexedVersions(models: readonly ModelSnapshot[], ready: boolean): { model: string; version: VersionInfo }[] {
  return models.flatMap((m) => m.versions.filter((v) => !ready || v.state === 'LOADED').map((version) => ({ model: m.name, version })));
}

export function repositoryIndexToWire(models: readonly ModelSnapshot[], ready: boolean): RepositoryModelIndex[] {
  return indexedVersions(models, ready).map(({ model, version: v }) => ({
    name: model,
    version: v.version,
    state: v.state,
    reason: versionReason(v),
  }));
}
