/**
 * What every gRPC handler of inference-grpc shares, whichever service it
 * serves (ModelInference, Open Inference Protocol): request id, refusal while
 * draining, in-flight count, logging, metrics and error mapping.
 */
import { setMaxListeners } from 'node:events';

import type { Metadata, ServerUnaryCall, ServerWritableStream, ServiceError, sendUnaryData } from '@grpc/grpc-js';

import { InferGraphError } from '../../../lib/errors';
import { toServiceError } from '../../../lib/grpc/errors';
import type { ModelEvent } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import type { WatchModelsRequest__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/WatchModelsRequest';
import { REQUEST_ID_KEY, requestIdsOr } from '../../../lib/logger';
import type { Logger } from '../../../lib/logger';
import type { CallContext } from '../engine/engine';
import type { InferenceMetrics } from '../metrics';

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

export function callContext(call: SurfaceCall): CallContext {
  const controller = new AbortController();
  // Every input of a batch call listens to this one signal.
  setMaxListeners(0, controller.signal);
  call.once('cancelled', () => controller.abort());
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return { deadline: Number.isFinite(ms) ? ms : Infinity, signal: controller.signal };
}

export interface CallTracker {
  /** Runs `work` as one call of `method`; a rejection is sent through `fail` as a gRPC status. */
  readonly track: (method: string, metadata: Metadata, work: () => Promise<void>, fail: (error: Partial<ServiceError>) => void) => void;
  /** A unary handler around `handle`. */
  readonly unary: <Req, Res>(
    method: string,
    handle: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
  ) => (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;
}

export function callTracker(metrics: InferenceMetrics, logger: Logger, state: ServiceState): CallTracker {
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

  return {
    track,
    unary:
      <Req, Res>(method: string, handle: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res> | Res) =>
      (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) =>
        track(
          method,
          call.metadata,
          async () => callback(null, await handle(call.request, call)),
          (error) => callback(error),
        ),
  };
}
