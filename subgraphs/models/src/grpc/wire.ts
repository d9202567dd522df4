/** inference-grpc's registry messages in the models subgraph's own words (domain.ts), and back: the one place they are mapped. */
import type { ModelInfo__Output } from '../../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import type { ModelVersionInfo__Output } from '../../../../lib/grpc/generated/infergraph/inference/v1/ModelVersionInfo';
import type { SetTrafficPolicyRequest } from '../../../../lib/grpc/generated/infergraph/inference/v1/SetTrafficPolicyRequest';
import type { Model, ModelVersion, TrafficPolicyChange } from '../domain';

function fromWireVersion(v: ModelVersionInfo__Output): ModelVersion {
  return {
    version: v.version,
    description: v.description,
    state: v.state === 'VERSION_STATE_UNSPECIFIED' ? null : v.state,
    loaded: v.loaded,
    loadedAt: v.loadedAt || null,
    loadError: v.loadError || null,
    default: v.default,
    canary: v.canary,
  };
}

export function fromWireModel(m: ModelInfo__Output): Model {
  return {
    name: m.name,
    description: m.description,
    inputKind: m.inputKind === 'INPUT_KIND_UNSPECIFIED' ? null : m.inputKind,
    defaultVersion: m.defaultVersion,
    canary: m.canary ? { version: m.canary.version, percent: m.canary.percent } : null,
    versions: m.versions.map(fromWireVersion),
  };
}

export function toWirePolicyChange(change: TrafficPolicyChange): SetTrafficPolicyRequest {
  const canary = change.canary === 'clear' ? { clearCanary: true } : change.canary ? { canary: change.canary } : {};
  return { model: change.model, defaultVersion: change.defaultVersion, ...canary };
}
