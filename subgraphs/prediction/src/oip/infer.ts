/**
 * One batch of inputs for one model version, sent to an OIP v2 server as
 * ModelInfer calls: inputs as raw_input_contents (the form Triton prefers),
 * outputs read typed or raw.
 *
 * OIP answers a request all or nothing; here every input must get its own
 * answer, and one bad input must not fail the others:
 * - an input of a kind the model does not take is refused alone, unsent, and
 *   so is a feature FP32 cannot hold (past ±FP32_MAX it would travel as
 *   Infinity, a value the user never sent, and sink its whole call);
 * - feature rows of different widths cannot share one [batch, n] tensor, so
 *   each width is its own call, and a batch larger than OIP_MAX_BATCH_SIZE
 *   is sent in chunks of that size;
 * - a call of several inputs that fails in a way one input can cause
 *   (INVALID_ARGUMENT, INTERNAL, or a DEADLINE_EXCEEDED the server answered
 *   early) is sent again in halves within the same deadline, and a failing
 *   half in halves again (bisection), so a bad input fails alone at the cost
 *   of about 2·log2(n) more calls. The halving of one chunk is allowed
 *   2·ceil(log2(n)) more calls in all: when the failure is not the inputs'
 *   (a model that fails every input, a server that refuses every batch) it
 *   stops there, and the inputs still failing fail with the error their call
 *   got. Failures that concern every input (NOT_FOUND, UNAVAILABLE,
 *   RESOURCE_EXHAUSTED, our own deadline passing) are not retried.
 * - OIP has no per-input deadline: an input that hangs holds its whole call.
 *   With OIP_BATCH_TIMEOUT_MS, a call of several inputs is given up after
 *   that long and halved like a failed one, within INFERENCE_DEADLINE_MS, so
 *   the hanging input times out alone; a call of one input has until
 *   INFERENCE_DEADLINE_MS.
 * `batchSize` of each prediction is the number of inputs in the ModelInfer
 * call that answered it: OIP does not say how the server batched them.
 */
import { Metadata } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import { InferGraphError, asInferGraphError } from '../../../../lib/errors';
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
import type { Logger } from '../../../../lib/logger';
import { FEATURES_OUTPUTS, TEXT_OUTPUTS, signatureOf } from '../../../../lib/oip/signatures';
import { TensorFormatError, rawBytes, rawNumbers, readBytes, readNumbers, utf8 } from '../../../../lib/oip/tensors';
import { fromOipVersion, toOipVersion } from '../../../../lib/oip/versions';
import type { BatchAnswer } from '../inference';

export type ModelKind = 'TEXT' | 'FEATURES';

export interface OipTarget {
  readonly model: string;
  readonly version: string;
  /** From the catalog; unknown before it first synced (then the first input's kind). */
  readonly kind: ModelKind | undefined;
  /** The catalog knows the model (its ModelMetadata answered): a bare NOT_FOUND then means the version. */
  readonly known: boolean;
}

export interface OipCallOptions extends InferenceCallOptions {
  /** OIP_MAX_BATCH_SIZE: most inputs in one ModelInfer call; 0 for no limit. */
  readonly maxBatchSize: number;
  /** OIP_BATCH_TIMEOUT_MS: longest a ModelInfer of several inputs may run before it is halved; 0 for no cap. */
  readonly batchTimeoutMs: number;
}

/** Failures one input can cause: worth sending the inputs again in halves. */
const ONE_INPUT_CAN_CAUSE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['BAD_USER_INPUT', 'INFERENCE_FAILED', 'INFERENCE_TIMEOUT']);
const SENTIMENT_LABELS = ['POSITIVE', 'NEGATIVE', 'NEUTRAL'] as const;
/** The largest finite FP32: features travel as FP32. */
const FP32_MAX = 3.4028234663852886e38;

/** The server answered in a shape we cannot read: not worth sending the inputs again one by one. */
class UnreadableAnswer extends InferGraphError {}

function kindOf(input: PredictInput): 'text' | 'features' {
  return input.text !== undefined && input.text !== null ? 'text' : 'features';
}

function copy(err: unknown): InferGraphError {
  const e = asInferGraphError(err);
  return new InferGraphError(e.code, e.message);
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
    const labels = texts(TEXT_OUTPUTS.label);
    if (!labels) throw new TensorFormatError(`no output tensor ${TEXT_OUTPUTS.label}`);
    const scores = numbers(TEXT_OUTPUTS.score);
    const confidences = numbers(TEXT_OUTPUTS.confidence);
    return labels.map((label, i) => {
      const known = SENTIMENT_LABELS.find((l) => l === label);
      if (!known) throw new TensorFormatError(`output tensor ${TEXT_OUTPUTS.label}, element ${i} is ${JSON.stringify(label)}; expected ${SENTIMENT_LABELS.join(', ')}`);
      return { ...common, output: 'sentiment', sentiment: { label: known, score: scores[i] ?? 0, confidence: confidences[i] ?? 0 } };
    });
  }
  const classes = numbers(FEATURES_OUTPUTS.classId);
  const probabilities = numbers(FEATURES_OUTPUTS.probability);
  // `label` is optional for other servers: without it the class id is the label.
  const labels = texts(FEATURES_OUTPUTS.label);
  return classes.map((classId, i) => ({
    ...common,
    output: 'numeric',
    numeric: { classId, probability: probabilities[i] ?? 0, label: labels?.[i] ?? String(classId) },
  }));
}

/** Splits `items` into chunks of at most `size` (all in one when size is 0). */
function chunks<T>(items: readonly T[], size: number): T[][] {
  if (size === 0 || items.length <= size) return [[...items]];
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

export function callModelInfer(
  client: GRPCInferenceServiceClient,
  options: OipCallOptions,
  target: OipTarget,
  inputs: readonly PredictInput[],
  requestIds: readonly string[],
  logger: Logger,
): BatchAnswer {
  const deadline = Date.now() + options.deadlineMs;
  const metadata = new Metadata();
  for (const id of new Set(requestIds)) metadata.add(REQUEST_ID_KEY, id);
  const what = target.version ? `${target.model}:${target.version}` : target.model;
  const kind: ModelKind = target.kind ?? (inputs[0] && kindOf(inputs[0]) === 'text' ? 'TEXT' : 'FEATURES');

  /** One ModelInfer call: every input's prediction, or one error for them all. */
  const infer = async (group: readonly PredictInput[]): Promise<Prediction__Output[]> => {
    const started = performance.now();
    const capped = group.length > 1 && options.batchTimeoutMs > 0 && Date.now() + options.batchTimeoutMs < deadline;
    const callDeadline = capped ? Date.now() + options.batchTimeoutMs : deadline;
    const response = await unary<ModelInferResponse__Output>((cb) => client.ModelInfer(encode(target, kind, group), metadata, { deadline: callDeadline }, cb)).catch(
      (err: ServiceError) => {
        const failure = describeCallFailure(err, options, what, requestIds);
        if (capped && failure.code === 'INFERENCE_TIMEOUT' && Date.now() >= callDeadline) {
          throw new InferGraphError('INFERENCE_TIMEOUT', `${what} did not answer a call of ${group.length} inputs within ${options.batchTimeoutMs} ms (OIP_BATCH_TIMEOUT_MS)`);
        }
        // OIP has one NOT_FOUND for a model and a version; a model the server described lacks the version
        // (which lets the canary fall back to the default version).
        if (failure.code === 'MODEL_NOT_FOUND' && target.known) {
          throw new InferGraphError('MODEL_VERSION_NOT_FOUND', `${options.service} has no version ${toOipVersion(target.version)} of ${target.model}: ${failure.message}`);
        }
        throw failure;
      },
    );
    try {
      return decode(target, kind, response, group.length, performance.now() - started);
    } catch (err) {
      if (!(err instanceof TensorFormatError)) throw err;
      throw new UnreadableAnswer('INFERENCE_FAILED', `${options.service} answered ${what} with ${err.message}`);
    }
  };

  const alone = (input: PredictInput): Promise<Prediction__Output> =>
    infer([input]).then((predictions) => predictions[0] ?? Promise.reject(new InferGraphError('INFERENCE_FAILED', `the OIP server answered ${what} with no prediction`)));

  const fewer = (): Promise<never> => Promise.reject(new InferGraphError('INFERENCE_FAILED', `the OIP server answered ${what} with fewer predictions than inputs`));

  /**
   * One call for the group; if it fails in a way one input can cause and the
   * budget allows, each half again. One promise per input, settling as soon
   * as that input has its answer.
   */
  const bisect = (group: readonly PredictInput[], budget: { calls: number }): Promise<Prediction__Output>[] => {
    if (group.length === 1 && group[0]) return [alone(group[0])];
    const answered = infer(group).then(
      (predictions) => group.map((_, k) => predictions[k] ?? fewer()),
      (err: unknown) => {
        const split = err instanceof InferGraphError && ONE_INPUT_CAN_CAUSE.has(err.code) && !(err instanceof UnreadableAnswer) && Date.now() < deadline;
        if (!split || budget.calls < 2) return group.map(() => Promise.reject(copy(err)));
        budget.calls -= 2;
        const half = Math.ceil(group.length / 2);
        return [...bisect(group.slice(0, half), budget), ...bisect(group.slice(half), budget)];
      },
    );
    return group.map((_, k) => answered.then((each) => each[k] ?? fewer()));
  };

  const send = (group: readonly PredictInput[]): Promise<Prediction__Output>[] =>
    chunks(group, options.maxBatchSize).flatMap((chunk) => {
      const allowed = 2 * Math.ceil(Math.log2(chunk.length));
      const budget = { calls: allowed };
      const sent = bisect(chunk, budget);
      // A server whose batches are smaller than ours refuses every one: say so, once per chunk.
      void Promise.allSettled(sent).then(() => {
        if (budget.calls === allowed) return;
        logger.warn(
          { model: what, inputs: chunk.length, extraCalls: allowed - budget.calls },
          'the OIP server failed a ModelInfer of several inputs; sent it again in halves (if the server refuses batches this large, set OIP_MAX_BATCH_SIZE)',
        );
      });
      return sent;
    });

  const answers: Promise<Prediction__Output>[] = [];
  const groups = new Map<string, number[]>();
  const expected = kind === 'TEXT' ? 'text' : 'features';
  inputs.forEach((input, index) => {
    const given = kindOf(input);
    if (given !== expected) {
      answers[index] = Promise.reject(new InferGraphError('BAD_USER_INPUT', `model ${target.model} takes ${expected}, not ${given}`));
      return;
    }
    const values = input.features?.values ?? [];
    const beyond = values.findIndex((v) => Math.abs(Number(v)) > FP32_MAX);
    if (beyond >= 0) {
      answers[index] = Promise.reject(
        new InferGraphError('BAD_USER_INPUT', `features[${beyond}] is ${String(values[beyond])}; with INFERENCE_PROTOCOL=oip features travel as FP32, which holds at most ±${FP32_MAX}`),
      );
      return;
    }
    const key = given === 'text' ? 'text' : String(values.length);
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
