/** gRPC handlers of infergraph.inference.v1.ModelInference over the engine and registry. */
import { setMaxListeners } from 'node:events';

import type { Metadata, ServerUnaryCall, ServerWritableStream, ServiceError, sendUnaryData } from '@grpc/grpc-js';

import { InferGraphError, toServiceError } from '../../lib/errors';
import type { ModelEvent } from '../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import type { ModelInferenceHandlers } from '../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { WatchModelsRequest__Output } from '../../lib/grpc/generated/infergraph/inference/v1/WatchModelsRequest';
import { REQUEST_ID_KEY, requestIdsOr } from '../../lib/logger';
import type { Logger } from '../../lib/logger';
import { asInferGraphError } from './engine';
import type { CallContext, InferenceEngine, PredictionResult } from './engine';
import type { InferenceMetrics } from './metrics';
import type { ModelRegistry, PolicyChange, RegistryEvent } from './registry';
import { batchItemToWire, modelToWire, predictionToWire } from './wire';

export interface ServiceState {
  /** Unary calls being answered now. */
  inFlight: number;
  /** Set on shutdown: new calls are refused with UNAVAILABLE. */
  draining: boolean;
  readonly watchers: Set<ServerWritableStream<WatchModelsRequest__Output, ModelEvent>>;
  onSettled: (() => void) | undefined;
}

/** What unary and streaming calls share (grpc-js does not export the type). */
type SurfaceCall = Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline' | 'once'>;

function callContext(call: SurfaceCall): CallContext {
  const controller = new AbortController();
  // Every input of a batch call listens to this one signal.
  setMaxListeners(0, controller.signal);
  call.once('cancelled', () => controller.abort());
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return { deadline: Number.isFinite(ms) ? ms : Infinity, signal: controller.signal };
}

export function createHandlers(
  engine: InferenceEngine,
  registry: ModelRegistry,
  metrics: InferenceMetrics,
  logger: Logger,
  state: ServiceState,
): ModelInferenceHandlers {
  /** Around every call: request id, refusal while draining, in-flight count, logging, metrics, error mapping. */
  function track(method: string, metadata: Metadata, work: () => Promise<void>, fail: (error: Partial<ServiceError>) => void): void {
    const requestId = requestIdsOr(metadata.get(REQUEST_ID_KEY));
    const log = logger.child({ requestId, method });
    if (state.draining) {
      fail(toServiceError(new InferGraphError('INFERENCE_UNAVAILABLE', 'inference-grpc is shutting down; retry on another replica')));
      return;
    }
    state.inFlight += 1;
    const started = performance.now();
    work()
      .then(
        () => {
          log.debug({ ms: performance.now() - started }, 'answered');
          metrics.rpc(method, 'OK');
        },
        (err: unknown) => {
          const known = err instanceof InferGraphError;
          log[known ? 'info' : 'error']({ err, ms: performance.now() - started }, 'failed');
          metrics.rpc(method, known ? err.code : 'INFERENCE_FAILED');
          fail(toServiceError(err));
        },
      )
      .finally(() => {
        state.inFlight -= 1;
        state.onSettled?.();
      });
  }

  function unary<Req, Res>(
    method: string,
    handle: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
  ): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
    return (call, callback) =>
      track(
        method,
        call.metadata,
        async () => callback(null, await handle(call.request, call)),
        (error) => callback(error),
      );
  }

  return {
    Predict: unary('Predict', async (req, call) => ({
      prediction: predictionToWire(await engine.predict(req.model, req.version, req.input, callContext(call))),
    })),

    PredictBatch: unary('PredictBatch', async (req, call) => {
      const result = await engine.predictBatch(req.model, req.version, req.inputs, callContext(call));
      return { modelVersion: result.version, items: result.items.map(batchItemToWire) };
    }),

    PredictBatchStream: (call) =>
      track(
        'PredictBatchStream',
        call.metadata,
        async () => {
          const { model, version, inputs } = call.request;
          const batch = await engine.startBatch(model, version, inputs, callContext(call));
          const send = (index: number, outcome: PredictionResult | InferGraphError): void => {
            if (!call.cancelled) call.write({ index, modelVersion: batch.version, item: batchItemToWire(outcome) });
          };
          await Promise.all(batch.runs.map((run, index) => run.result.then((p) => send(index, p), (err: unknown) => send(index, asInferGraphError(err)))));
          call.end();
        },
        (error) => call.emit('error', error),
      ),

    ListModels: unary('ListModels', () => ({ models: registry.list().map(modelToWire) })),

    GetModel: unary('GetModel', (req) => modelToWire(registry.get(req.name))),

    SetTrafficPolicy: unary('SetTrafficPolicy', async (req) => {
      const change: PolicyChange = {
        model: req.model,
        defaultVersion: req.defaultVersion === '' ? undefined : req.defaultVersion,
        canary:
          req.canaryChange === 'canary' && req.canary
            ? { version: req.canary.version, percent: req.canary.percent }
            : req.canaryChange === 'clearCanary' && req.clearCanary
              ? null
              : undefined,
      };
      const model = await registry.setTrafficPolicy(change);
      logger.info({ model: model.name, defaultVersion: model.defaultVersion, canary: model.canary }, 'traffic policy changed');
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
      call.once('cancelled', stop);
      call.once('close', stop);
      for (const model of registry.list()) call.write({ kind: 'SNAPSHOT', model: modelToWire(model) });
      registry.on('change', send);
    },
  };
}
