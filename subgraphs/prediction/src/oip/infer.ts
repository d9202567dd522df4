/**
 * One batch of inputs for one model version, sent to an OIP v2 server as
 * ModelInfer calls: inputs as raw_input_contents (the form Triton prefers),
 * outputs read typed or raw.
 *
 * OIP answers a request all or nothing; here every input must get its own
 * answer, and one bad input must not fail the others:
 * - an input of a kind the model does not take is refused alone, unsent;
 * - feature rows of different widths cannot share one [batch, n] tensor, so
 *   each width is its own call;
 * - a call of several inputs that fails in a way one input can cause
 *   (INVALID_ARGUMENT, INTERNAL, or a DEADLINE_EXCEEDED the server answered
 *   early) is sent again input by input within the same deadline, so the bad
 *   input fails alone and the others answer. Failures that concern every
 *   input (NOT_FOUND, UNAVAILABLE, RESOURCE_EXHAUSTED, our own deadline
 *   passing) are not retried.
 * `batchSize` of each prediction is the number of inputs in the ModelInfer
 * call that answered it: OIP does not say how the server batched them.
 */
import { Metadata } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import { InferGraphError } from '../../../../lib/errors';
import type { ErrorCode } from '../../../../lib/errors';
import { describeCallFailure } from '../../../../lib/grpc/call-failure';
import type { InferenceCallOptions } from '../../../../lib/grpc/call-failure';
import type { GRPCInferenceServiceClient } from '../../../../lib/grpc/generated/inference/GRPCInferenceService';
import type { InferTensorContents__Output } from '../../../../lib/grpc/generated/inference/InferTensorContents';
import type { ModelInferRequest } from '../../../../lib/grpc/generated/inference/ModelInferRequest';
import type { ModelInferResponse__Output } from '../../../../lib/grpc/generated/inference/ModelInferResponse';
import type { PredictInput } from '../../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import type { Prediction__Output } from '../../../../lib/grpc/generated/infergraph/inference/v1/Prediction';
import { unary } from '../../../../lib/grpc/unary';
import { REQUEST_ID_KEY } from '../../../../lib/logger';
import { signatureOf } from '../../../../lib/oip/signatures';
import { TensorFormatError, rawBytes, rawNumbers, readBytes, readNumbers, utf8 } from '../../../../lib/oip/tensors';
import { fromOipVersion, toOipVersion } from '../../../../lib/oip/versions';
import type { BatchAnswer } from '../inference';

export type ModelKind = 'TEXT' | 'FEATURES';

export interface OipTarget {
  readonly model: string;
  readonly version: string;
  /** From the catalog; unknown before it first synced (then the first input's kind). */
  readonly kind: ModelKind | undefined;
}

/** Failures one input can cause: worth sending the inputs again one by one. */
const ONE_INPUT_CAN_CAUSE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['BAD_USER_INPUT', 'INFERENCE_FAILED', 'INFERENCE_TIMEOUT']);
const SENTIMENT_LABELS = ['POSITIVE', 'NEGATIVE', 'NEUTRAL'] as const;

/** The server answered in a shape we cannot read: not worth sending the inputs again one by one. */
class UnreadableAnswer extends InferGraphError {}

function kindOf(input: PredictInput): 'text' | 'features' {
  return input.text !== undefined && input.text !== null ? 'text' : 'features';
}

function copy(err: unknown): InferGraphError {
  return err instanceof InferGraphError ? new InferGraphError(err.code, err.message) : new InferGraphError('INFERENCE_FAILED', `internal error: ${String(err)}`);
}

function encode(target: OipTarget, kind: ModelKind, inputs: readonly PredictInput[]): ModelInferRequest {
  const spec = signatureOf(kind).input;
  const tensor =
    kind === 'TEXT'
      ? { shape: [inputs.length], raw: rawBytes(inputs.map((i) => i.text ?? '')) }
      : {
          shape: [inputs.length, inputs[0]?.features?.values?.length ?? 0],
          raw: rawNumbers(spec.datatype, inputs.flatMap((i) => (i.features?.values ?? []).map(Number))),
        };
  return {
    modelName: target.model,
    modelVersion: toOipVersion(target.version),
    inputs: [{ name: spec.name, datatype: spec.datatype, shape: tensor.shape }],
    rawInputContents: [tensor.raw],
  };
}

/** One prediction per input from the output tensors; throws TensorFormatError when they do not fit the signature. */
function decode(target: OipTarget, kind: ModelKind, response: ModelInferResponse__Output, count: number, latencyMs: number): Prediction__Output[] {
  const tensor = (name: string): { datatype: string; contents: InferTensorContents__Output | null; raw: Buffer | undefined } | undefined => {
    const index = response.outputs.findIndex((o) => o.name === name);
    const output = response.outputs[index];
    if (!output) return undefined;
    return { datatype: output.datatype, contents: output.contents, raw: response.rawOutputContents.length > 0 ? response.rawOutputContents[index] : undefined };
  };
  const numbers = (name: string): number[] => {
    const t = tensor(name);
    if (!t) throw new TensorFormatError(`no output tensor ${name}`);
    return readNumbers(name, t.datatype, count, t.contents, t.raw);
  };
  /** Undefined when the server sent no such output. */
  const texts = (name: string): string[] | undefined => {
    const t = tensor(name);
    if (!t) return undefined;
    if (t.datatype !== 'BYTES') throw new TensorFormatError(`output tensor ${name} has datatype ${t.datatype}; expected BYTES`);
    return readBytes(name, count, t.contents, t.raw).map((bytes, i) => utf8(name, i, bytes));
  };
  const common = {
    model: target.model,
    modelVersion: response.modelVersion === '' ? target.version : fromOipVersion(response.modelVersion),
    batchSize: count,
    latencyMs,
  };
  if (kind === 'TEXT') {
    const labels = texts('label');
    if (!labels) throw new TensorFormatError('no output tensor label');
    const scores = numbers('score');
    const confidences = numbers('confidence');
    return labels.map((label, i) => {
      const known = SENTIMENT_LABELS.find((l) => l === label);
      if (!known) throw new TensorFormatError(`output tensor label, element ${i} is ${JSON.stringify(label)}; expected ${SENTIMENT_LABELS.join(', ')}`);
      return { ...common, output: 'sentiment', sentiment: { label: known, score: scores[i] ?? 0, confidence: confidences[i] ?? 0 } };
    });
  }
  const classes = numbers('class_id');
  const probabilities = numbers('probability');
  // `label` is optional for other servers: without it the class id is the label.
  const labels = texts('label');
  return classes.map((classId, i) => ({
    ...common,
    output: 'numeric',
    numeric: { classId, probability: probabilities[i] ?? 0, label: labels?.[i] ?? String(classId) },
  }));
}

export function callModelInfer(
  client: GRPCInferenceServiceClient,
  options: InferenceCallOptions,
  target: OipTarget,
  inputs: readonly PredictInput[],
  requestIds: readonly string[],
): BatchAnswer {
  const deadline = Date.now() + options.deadlineMs;
  const metadata = new Metadata();
  for (const id of new Set(requestIds)) metadata.add(REQUEST_ID_KEY, id);
  const what = target.version ? `${target.model}:${target.version}` : target.model;
  const kind: ModelKind = target.kind ?? (inputs[0] && kindOf(inputs[0]) === 'text' ? 'TEXT' : 'FEATURES');

  /** One ModelInfer call: every input's prediction, or one error for them all. */
  const infer = async (group: readonly PredictInput[]): Promise<Prediction__Output[]> => {
    const started = performance.now();
    const response = await unary<ModelInferResponse__Output>((cb) => client.ModelInfer(encode(target, kind, group), metadata, { deadline }, cb)).catch(
      (err: ServiceError) => {
        throw describeCallFailure(err, options, what);
      },
    );
    try {
      return decode(target, kind, response, group.length, performance.now() - started);
    } catch (err) {
      if (!(err instanceof TensorFormatError)) throw err;
      throw new UnreadableAnswer('INFERENCE_FAILED', `the OIP server at ${options.address} answered ${what} with ${err.message}`);
    }
  };

  const alone = (input: PredictInput): Promise<Prediction__Output> =>
    infer([input]).then((predictions) => predictions[0] ?? Promise.reject(new InferGraphError('INFERENCE_FAILED', `the OIP server answered ${what} with no prediction`)));

  const send = (group: readonly PredictInput[]): Promise<Prediction__Output>[] => {
    if (group.length === 1 && group[0]) return [alone(group[0])];
    const answered = infer(group).then(
      (predictions) => predictions.map((p) => Promise.resolve(p)),
      (err: unknown) => {
        const retry = err instanceof InferGraphError && ONE_INPUT_CAN_CAUSE.has(err.code) && !(err instanceof UnreadableAnswer) && Date.now() < deadline;
        return group.map((input) => (retry ? alone(input) : Promise.reject(copy(err))));
      },
    );
    return group.map((_, k) =>
      answered.then(
        (each) => each[k] ?? Promise.reject(new InferGraphError('INFERENCE_FAILED', `the OIP server answered ${what} with fewer predictions than inputs`)),
        (err: unknown) => Promise.reject(copy(err)),
      ),
    );
  };

  const answers: Promise<Prediction__Output>[] = [];
  const groups = new Map<string, number[]>();
  const expected = kind === 'TEXT' ? 'text' : 'features';
  inputs.forEach((input, index) => {
    const given = kindOf(input);
    if (given !== expected) {
      answers[index] = Promise.reject(new InferGraphError('BAD_USER_INPUT', `model ${target.model} takes ${expected}, not ${given}`));
      return;
    }
    const key = given === 'text' ? 'text' : String(input.features?.values?.length ?? 0);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  for (const indexes of groups.values()) {
    const sent = send(indexes.map((i) => inputs[i] as PredictInput));
    indexes.forEach((inputIndex, k) => {
      answers[inputIndex] = sent[k] as Promise<Prediction__Output>;
    });
  }
  // Each caller handles its own answer; none may surface as an unhandled rejection meanwhile.
  for (const answer of answers) answer.catch(() => undefined);
  return answers;
}
