/**
 * gRPC handlers of inference.GRPCInferenceService (Open Inference Protocol v2)
 * over the same engine and registry as ModelInference: server-side batching,
 * deadlines, limits and fault hooks apply alike.
 *
 * Versions: OIP version "1" is our v1 (lib/oip/versions.ts); both spellings
 * are accepted, answers use the OIP one. A request without a version gets the
 * model's default version; the canary split is the caller's choice (the
 * prediction subgraph makes it), as Triton serves its policy's version.
 * ModelInfer answers all or nothing, as OIP has no per-element errors: the
 * first failed element fails the call with its own code, naming the tensor
 * and the element. So an element that hangs holds the call until the
 * caller's deadline.
 *
 * Triton's model repository extension (RepositoryIndex, RepositoryModelLoad,
 * RepositoryModelUnload) runs over the same registry as ModelInference's: one
 * repository, named "model-repository" (or left empty); a load or unload
 * names its version in the parameter "version" (either spelling; the default
 * version when absent, so an unload without one is refused: Triton would
 * unload the whole model) and takes no other parameter (Triton's "config" and
 * "file:*" overrides are refused); states are Triton's (READY, LOADING,
 * UNAVAILABLE with the reason).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { InferGraphError } from '../../../lib/errors';
import type { GRPCInferenceServiceHandlers } from '../../../lib/grpc/generated/inference/GRPCInferenceService';
import { PROJECT_ROOT } from '../../../lib/paths';
import { signatureOf } from '../../../lib/oip/signatures';
import type { TensorSpec } from '../../../lib/oip/signatures';
import type { ModelRepositoryParameter__Output } from '../../../lib/grpc/generated/inference/ModelRepositoryParameter';
import { fromOipVersion, toOipVersion } from '../../../lib/oip/versions';
import { callContext } from '../grpc/calls';
import type { CallTracker, ServiceState } from '../grpc/calls';
import type { InferenceEngine } from '../engine/engine';
import { indexedVersions, versionReason } from '../grpc/wire';
import type { ModelRegistry, ModelSnapshot, VersionInfo } from '../registry/model-registry';
import { MAX_NAME_LENGTH, checkedName } from '../registry/model-slot';
import type { VersionState } from '../registry/versions';
import { askedVersions } from '../statistics';
import type { ModelStatistics } from '../statistics';
import { decodeInferRequest, encodeOutputs, modelStatisticsToWire } from './codec';

const SERVER_NAME = 'infergraph';
const SERVER_VERSION = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const PLATFORM = 'infergraph_nodejs';

/** The version an OIP request names (OIP or our spelling), or the default version when it names none. */
function resolveVersion(registry: ModelRegistry, name: string, requested: string): { model: ModelSnapshot; version: VersionInfo } {
  const model = registry.get(name);
  const wanted = requested === '' ? model.defaultVersion : requested;
  const version = model.versions.find((v) => v.version === wanted || toOipVersion(v.version) === wanted);
  if (!version) {
    throw new InferGraphError(
      'MODEL_VERSION_NOT_FOUND',
      `model ${name} has no version ${JSON.stringify(requested)}; versions are ${model.versions.map((v) => toOipVersion(v.version)).join(', ')}`,
    );
  }
  return { model, version };
}

/** The one repository this server has, as repository_name may name it. */
const REPOSITORY_NAME = 'model-repository';

const TRITON_STATES: Readonly<Record<VersionState, string>> = {
  LOADED: 'READY',
  LOADING: 'LOADING',
  UNLOADED: 'UNAVAILABLE',
  FAILED: 'UNAVAILABLE',
};

function checkRepository(name: string): void {
  if (name !== '' && name !== REPOSITORY_NAME) {
    throw new InferGraphError(
      'BAD_USER_INPUT',
      `repository_name: this server has one repository, "${REPOSITORY_NAME}" (or leave it empty)`,
    );
  }
}

/** The only parameter a repository load or unload takes. */
const VERSION_PARAMETER = 'version';

/**
 * The version a repository request names in its "version" parameter (OIP or our spelling), else the default version;
 * the model name is checked before the registry is asked, and any other parameter is refused.
 */
function repositoryVersion(
  registry: ModelRegistry,
  model: string,
  parameters: Readonly<Record<string, ModelRepositoryParameter__Output>>,
): string {
  const other = Object.keys(parameters).find((key) => key !== VERSION_PARAMETER);
  if (other !== undefined) {
    throw new InferGraphError(
      'BAD_USER_INPUT',
      `parameters: ${JSON.stringify(other.slice(0, MAX_NAME_LENGTH))} is not supported; the only parameter is "${VERSION_PARAMETER}" (Triton's "config" and "file:*" overrides are not supported: put the version's files in its folder)`,
    );
  }
  checkedName('model', model);
  const parameter = parameters[VERSION_PARAMETER];
  if (!parameter) return registry.get(model).defaultVersion;
  const value = parameter.parameterChoice === 'int64Param' ? parameter.int64Param : parameter.stringParam;
  if (value === undefined || value === '')
    throw new InferGraphError('BAD_USER_INPUT', 'parameters.version: expected a string (or int64) naming the version, e.g. "2" or "v2"');
  return fromOipVersion(value);
}

function tensorMetadata(spec: TensorSpec): { name: string; datatype: string; shape: number[] } {
  return { name: spec.name, datatype: spec.datatype, shape: [...spec.shape] };
}

export function oipHandlers(
  engine: InferenceEngine,
  registry: ModelRegistry,
  stats: ModelStatistics,
  tracker: CallTracker,
  state: ServiceState,
): GRPCInferenceServiceHandlers {
  const { unary } = tracker;
  return {
    // Draining refuses every call (UNAVAILABLE) before these answer, which OIP clients read as not live / not ready.
    ServerLive: unary('ServerLive', () => ({ live: true })),
    ServerReady: unary('ServerReady', () => ({ ready: !state.draining })),

    ServerMetadata: unary('ServerMetadata', () => ({
      name: SERVER_NAME,
      version: SERVER_VERSION,
      extensions: ['statistics', 'model_repository'],
    })),

    // Versions load on first use: a version is ready unless its last load failed or it was unloaded.
    ModelReady: unary('ModelReady', (req) => {
      const { version } = resolveVersion(registry, req.name, req.version);
      return { ready: version.state !== 'FAILED' && !version.unloaded };
    }),

    ModelMetadata: unary('ModelMetadata', (req) => {
      const { model } = resolveVersion(registry, req.name, req.version);
      const signature = signatureOf(model.inputKind);
      return {
        name: model.name,
        versions: model.versions.map((v) => toOipVersion(v.version)),
        platform: PLATFORM,
        inputs: [tensorMetadata(signature.input)],
        outputs: signature.outputs.map(tensorMetadata),
        properties: { description: model.description, default_version: toOipVersion(model.defaultVersion) },
      };
    }),

    RepositoryIndex: unary('RepositoryIndex', (req) => {
      checkRepository(req.repositoryName);
      return {
        models: indexedVersions(registry.list(), req.ready).map(({ model, version: v }) => ({
          name: model,
          version: toOipVersion(v.version),
          state: TRITON_STATES[v.state],
          reason: v.state === 'UNLOADED' && !v.unloaded ? 'not loaded yet; loads on first use' : versionReason(v),
        })),
      };
    }),

    RepositoryModelLoad: unary('RepositoryModelLoad', async (req) => {
      checkRepository(req.repositoryName);
      await registry.load(req.modelName, repositoryVersion(registry, req.modelName, req.parameters));
      return {};
    }),

    RepositoryModelUnload: unary('RepositoryModelUnload', async (req) => {
      checkRepository(req.repositoryName);
      await registry.unload(req.modelName, repositoryVersion(registry, req.modelName, req.parameters));
      return {};
    }),

    ModelInfer: unary('ModelInfer', async (req, call) => {
      const { model, version } = resolveVersion(registry, req.modelName, req.modelVersion);
      const decoded = decodeInferRequest(model.name, model.inputKind, req, engine.limits);
      const batch = await engine.predictBatch({ model: model.name, version: version.version, inputs: decoded.inputs }, callContext(call));
      const results = batch.items.map((item, index) => {
        if (!(item instanceof InferGraphError)) return item;
        // Naming the element matters only when there are several.
        throw batch.items.length > 1
          ? new InferGraphError(item.code, `input tensor ${decoded.tensor}, element ${index}: ${item.message}`)
          : item;
      });
      return {
        modelName: model.name,
        modelVersion: toOipVersion(batch.version),
        id: req.id,
        ...encodeOutputs(decoded.outputs, results, decoded.raw),
      };
    }),

    // Triton's statistics extension: totals since each version's statistics began.
    ModelStatistics: unary('ModelStatistics', (req) => ({
      modelStats: askedVersions(registry, req.name, req.version, (ours, asked) => ours === asked || toOipVersion(ours) === asked).map(
        ({ model, version }) => modelStatisticsToWire(model, toOipVersion(version.version), stats.totals(model, version.version)),
      ),
    })),
  };
}
