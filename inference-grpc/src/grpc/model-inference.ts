/** gRPC handlers of infergraph.inference.v1.ModelInference over the engine and registry. */
import { asInferGraphError } from '../../../lib/errors';
import type { InferGraphError } from '../../../lib/errors';
import type { ModelInferenceHandlers } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { Logger } from '../../../lib/logger';
import { callContext } from './calls';
import type { CallTracker, ServiceState } from './calls';
import type { InferenceEngine, PredictionResult } from '../engine/engine';
import type { InferenceMetrics } from '../metrics';
import type { ModelRegistry, RegistryEvent } from '../registry/model-registry';
import { askedVersions } from '../statistics';
import type { ModelStatistics } from '../statistics';
import {
  batchItemToWire,
  batchRequestFromWire,
  modelToWire,
  policyChangeFromWire,
  predictRequestFromWire,
  predictionToWire,
  versionStatisticsToWire,
  repositoryIndexToWire,
} from './wire';

export function modelInferenceHandlers(
  engine: InferenceEngine,
  registry: ModelRegistry,
  { track, unary }: CallTracker,
  metrics: InferenceMetrics,
  stats: ModelStatistics,
  logger: Logger,
  state: ServiceState,
): ModelInferenceHandlers {
  return {
    Predict: unary('Predict', async (req, call) => ({
      prediction: predictionToWire(await engine.predict(predictRequestFromWire(req), callContext(call))),
    })),

    PredictBatch: unary('PredictBatch', async (req, call) => {
      const result = await engine.predictBatch(batchRequestFromWire(req), callContext(call));
      return { modelVersion: result.version, items: result.items.map(batchItemToWire) };
    }),

    PredictBatchStream: (call) =>
      track(
        'PredictBatchStream',
        call.metadata,
        async () => {
          const batch = await engine.startBatch(batchRequestFromWire(call.request), callContext(call));
          const send = (index: number, outcome: PredictionResult | InferGraphError): void => {
            if (!call.cancelled) call.write({ index, modelVersion: batch.version, item: batchItemToWire(outcome) });
          };
          await Promise.all(
            batch.results.map((result, index) =>
              result.then(
                (p) => send(index, p),
                (err: unknown) => send(index, asInferGraphError(err)),
              ),
            ),
          );
          call.end();
        },
        (error) => call.emit('error', error),
      ),

    ListModels: unary('ListModels', () => ({ models: registry.list().map(modelToWire) })),

    GetModel: unary('GetModel', (req) => modelToWire(registry.get(req.name))),

    SetTrafficPolicy: unary('SetTrafficPolicy', async (req) => {
      const model = await registry.setTrafficPolicy(policyChangeFromWire(req));
      logger.info({ model: model.name, defaultVersion: model.defaultVersion, canary: model.canary }, 'traffic policy changed');
      return modelToWire(model);
    }),

    ModelStatistics: unary('ModelStatistics', (req) => ({
      versions: askedVersions(registry, req.model, req.version).map(({ model, version }) =>
        versionStatisticsToWire(model, version.version, stats.window(model, version.version, version.loadedAt?.getTime())),
      ),
    })),
    RepositoryIndex: unary('RepositoryIndex', (req) => ({ models: repositoryIndexToWire(registry.list(), req.ready) })),

    RepositoryModelLoad: unary('RepositoryModelLoad', async (req) => {
      const model = await registry.load(req.model, req.version);
      logger.info({ model: req.model, version: req.version }, 'model version loaded on request');
      return modelToWire(model);
    }),

    RepositoryModelUnload: unary('RepositoryModelUnload', async (req) => {
      const model = await registry.unload(req.model, req.version);
      logger.info({ model: req.model, version: req.version }, 'model version unloaded on request');
      return modelToWire(model);
    }),

    WatchModels: (call) => {
      if (state.draining) {
        call.end();
        return;
      }
      const send = (event: RegistryEvent): void => {
        call.write({ kind: event.kind, model: modelToWire(event.model) });
      };
      const stop = (): void => {
        registry.off('change', send);
        state.watchers.delete(call);
      };
      state.watchers.add(call);
      metrics.watchOpened();
      call.once('cancelled', stop);
      call.once('close', stop);
      for (const model of registry.list()) call.write({ kind: 'SNAPSHOT', model: modelToWire(model) });
      call.write({ kind: 'SNAPSHOT_END' });
      registry.on('change', send);
    },
  };
}
