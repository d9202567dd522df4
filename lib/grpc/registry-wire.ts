/** inference-grpc's registry messages in plain words (lib/registry-model.ts): the one place they are mapped. */
import type { ModelInfo__Output } from './generated/infergraph/inference/v1/ModelInfo';
import type { ModelVersionInfo__Output } from './generated/infergraph/inference/v1/ModelVersionInfo';
import type { RegistryModel, RegistryVersion } from '../registry-model';

function fromWireVersion(v: ModelVersionInfo__Output): RegistryVersion {
  return {
    version: v.version,
    description: v.description,
    state: v.state === 'VERSION_STATE_UNSPECIFIED' ? null : v.state,
    loaded: v.loaded,
    loadedAt: v.loadedAt || null,
    loadId: v.loadId || null,
    loadError: v.loadError || null,
    unloaded: v.unloaded,
    default: v.default,
    canary: v.canary,
  };
}

export function fromWireModel(m: ModelInfo__Output): RegistryModel {
  return {
    name: m.name,
    description: m.description,
    inputKind: m.inputKind === 'INPUT_KIND_UNSPECIFIED' ? null : m.inputKind,
    defaultVersion: m.defaultVersion,
    canary: m.canary ? { version: m.canary.version, percent: m.canary.percent } : null,
    versions: m.versions.map(fromWireVersion),
  };
}
