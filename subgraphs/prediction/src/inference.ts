/**
 * The prediction subgraph's view of inference-grpc: one streamed batch call,
 * its failures turned into registered error codes with messages a user
 * understands.
 */
import { Metadata } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import { InferGraphError, isErrorCode } from '../../../lib/errors';
import { describeCallFailure } from '../../../lib/grpc/call-failure';
import type { InferenceCallOptions } from '../../../lib/grpc/call-failure';
import type { ModelInferenceClient } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { PredictBatchStreamItem__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictBatchStreamItem';
import type { PredictInput } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import type { Prediction__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/Prediction';
import { REQUEST_ID_KEY } from '../../../lib/logger';

/** One promise per input, in order, each settling as soon as that input is answered. */
export type BatchAnswer = Promise<Prediction__Output>[];

/**
 * Sends the inputs as one PredictBatchStream call. Each input's promise
 * settles when its own answer arrives, so a slow input never delays the
 * others; inputs still unanswered when the call fails (its deadline, the
 * server going away) reject with that failure.
 */
export function callPredictBatch(
  client: ModelInferenceClient,
  options: InferenceCallOptions,
  target: { model: string; version: string },
  inputs: readonly PredictInput[],
  requestIds: readonly string[],
): BatchAnswer {
  const metadata = new Metadata();
  for (const id of new Set(requestIds)) metadata.add(REQUEST_ID_KEY, id);
  const settlers = inputs.map(() => {
    let resolve: (p: Prediction__Output) => void = () => undefined;
    let reject: (e: InferGraphError) => void = () => undefined;
    const promise = new Promise<Prediction__Output>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject, settled: false };
  });
  const settle = (index: number, outcome: Prediction__Output | InferGraphError): void => {
    const s = settlers[index];
    if (!s || s.settled) return;
    s.settled = true;
    if (outcome instanceof InferGraphError) s.reject(outcome);
    else s.resolve(outcome);
  };
  const rejectRest = (reason: InferGraphError): void => {
    settlers.forEach((_, index) => settle(index, new InferGraphError(reason.code, reason.message)));
  };
  const stream = client.PredictBatchStream(
    { model: target.model, version: target.version, inputs: [...inputs] },
    metadata,
    { deadline: Date.now() + options.deadlineMs },
  );
  stream.on('data', (answer: PredictBatchStreamItem__Output) => {
    const item = answer.item;
    if (item?.prediction) {
      settle(answer.index, item.prediction);
      return;
    }
    const error = item?.error;
    settle(
      answer.index,
      new InferGraphError(
        error && isErrorCode(error.code) ? error.code : 'INFERENCE_FAILED',
        error?.message || 'inference-grpc answered an item with neither a prediction nor an error',
      ),
    );
  });
  stream.on('error', (err: ServiceError) => rejectRest(describeCallFailure(err, options, target.version ? `${target.model}:${target.version}` : target.model, requestIds)));
  stream.on('end', () =>
    rejectRest(new InferGraphError('INFERENCE_FAILED', 'inference-grpc ended PredictBatchStream without answering every input; it must answer each one')),
  );
  return settlers.map((s) => s.promise);
}
