/**
 * One batch sent to inference-grpc as a streamed PredictBatchStream call,
 * its failures turned into registered error codes with messages a user
 * understands.
 */
import { Metadata } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import { InferGraphError, asInferGraphError, isErrorCode } from '../../../../../lib/errors';
import { describeCallFailure } from '../../../../../lib/grpc/call-failure';
import type { InferenceCallOptions } from '../../../../../lib/grpc/call-failure';
import type { ModelInferenceClient } from '../../../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { PredictBatchStreamItem__Output } from '../../../../../lib/grpc/generated/infergraph/inference/v1/PredictBatchStreamItem';
import { REQUEST_ID_KEY } from '../../../../../lib/logger';
import type { ModelInput, Prediction } from '../../domain';
import type { BatchAnswer, BatchTarget } from '../backend';
import { fromWirePrediction, toWireInput } from './wire';

/** The answer to one input: its prediction, or the error it failed with. */
function outcomeOf(answer: PredictBatchStreamItem__Output): Prediction | InferGraphError {
  const item = answer.item;
  if (item?.prediction) {
    try {
      return fromWirePrediction(item.prediction);
    } catch (err) {
      return asInferGraphError(err);
    }
  }
  const error = item?.error;
  return new InferGraphError(
    error && isErrorCode(error.code) ? error.code : 'INFERENCE_FAILED',
    error?.message || 'inference-grpc answered an item with neither a prediction nor an error',
  );
}

/**
 * Sends the inputs as one PredictBatchStream call. Each input's promise
 * settles when its own answer arrives, so a slow input never delays the
 * others; inputs still unanswered when the call fails (its deadline, the
 * server going away) reject with that failure.
 */
export function callPredictBatch(
  client: ModelInferenceClient,
  options: InferenceCallOptions,
  target: BatchTarget,
  inputs: readonly ModelInput[],
  requestIds: readonly string[],
): BatchAnswer {
  const metadata = new Metadata();
  for (const id of new Set(requestIds)) metadata.add(REQUEST_ID_KEY, id);
  const settlers = inputs.map(() => {
    let resolve: (p: Prediction) => void = () => undefined;
    let reject: (e: InferGraphError) => void = () => undefined;
    const promise = new Promise<Prediction>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject, settled: false };
  });
  const settle = (index: number, outcome: Prediction | InferGraphError): void => {
    const s = settlers[index];
    if (!s || s.settled) return;
    s.settled = true;
    if (outcome instanceof InferGraphError) s.reject(outcome);
    else s.resolve(outcome);
  };
  const rejectRest = (reason: InferGraphError): void => {
    settlers.forEach((_, index) => settle(index, new InferGraphError(reason.code, reason.message)));
  };
  const stream = client.PredictBatchStream({ model: target.model, version: target.version, inputs: inputs.map(toWireInput) }, metadata, {
    deadline: Date.now() + options.deadlineMs,
  });
  stream.on('data', (answer: PredictBatchStreamItem__Output) => settle(answer.index, outcomeOf(answer)));
  stream.on('error', (err: ServiceError) =>
    rejectRest(describeCallFailure(err, options, target.version ? `${target.model}:${target.version}` : target.model, requestIds)),
  );
  stream.on('end', () =>
    rejectRest(
      new InferGraphError(
        'INFERENCE_FAILED',
        'inference-grpc ended PredictBatchStream without answering every input; it must answer each one',
      ),
    ),
  );
  return settlers.map((s) => s.promise);
}
