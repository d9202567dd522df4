/**
 * Inputs and predictions as OIP v2 tensors (lib/oip/signatures.ts): inputs
 * go as raw_input_contents (the form Triton prefers), outputs are read typed
 * or raw. Also what cannot travel at all: an input of a kind the model does
 * not take, and a feature FP32 cannot hold (past ±FP32_MAX it would travel as
 * Infinity, a value the user never sent, and sink its whole call). Feature
 * rows of different widths cannot share one [batch, n] tensor: each width is
 * its own group.
 */
import { InferGraphError } from '../../../../../lib/errors';
import type { InferTensorContents__Output } from '../../../../../lib/grpc/generated/inference/InferTensorContents';
import type { ModelInferRequest } from '../../../../../lib/grpc/generated/inference/ModelInferRequest';
import type { ModelInferResponse__Output } from '../../../../../lib/grpc/generated/inference/ModelInferResponse';
import { FEATURES_OUTPUTS, TEXT_OUTPUTS, signatureOf } from '../../../../../lib/oip/signatures';
import { TensorFormatError, rawBytes, rawNumbers, readBytes, readNumbers, utf8 } from '../../../../../lib/oip/tensors';
import { fromOipVersion, toOipVersion } from '../../../../../lib/oip/versions';
import type { InputKind, ModelInput, Prediction } from '../../domain';
import type { BatchTarget } from '../backend';

const SENTIMENT_LABELS = ['POSITIVE', 'NEGATIVE', 'NEUTRAL'] as const;
/** The largest finite FP32: features travel as FP32. */
const FP32_MAX = 3.4028234663852886e38;

export function inputKindOf(input: ModelInput): InputKind {
  return input.text !== undefined ? 'TEXT' : 'FEATURES';
}

const inWords = (kind: InputKind): string => (kind === 'TEXT' ? 'text' : 'features');

/** Why `input` cannot be sent to a model taking `kind`, or undefined when it can. */
export function refusal(model: string, kind: InputKind, input: ModelInput): InferGraphError | undefined {
  const given = inputKindOf(input);
  if (given !== kind) return new InferGraphError('BAD_USER_INPUT', `model ${model} takes ${inWords(kind)}, not ${inWords(given)}`);
  const values = input.features ?? [];
  const beyond = values.findIndex((v) => Math.abs(v) > FP32_MAX);
  if (beyond < 0) return undefined;
  return new InferGraphError(
    'BAD_USER_INPUT',
    `features[${beyond}] is ${String(values[beyond])}; with INFERENCE_PROTOCOL=oip features travel as FP32, which holds at most ±${FP32_MAX}`,
  );
}

/** Inputs of one group can share one input tensor: all texts, or feature rows of one width. */
export function tensorGroup(input: ModelInput): string {
  return input.text !== undefined ? 'text' : String(input.features.length);
}

export function encode(target: BatchTarget, kind: InputKind, inputs: readonly ModelInput[]): ModelInferRequest {
  const spec = signatureOf(kind).input;
  const tensor =
    kind === 'TEXT'
      ? { shape: [inputs.length], raw: rawBytes(inputs.map((i) => i.text ?? '')) }
      : {
          shape: [inputs.length, inputs[0]?.features?.length ?? 0],
          raw: rawNumbers(
            spec.datatype,
            inputs.flatMap((i) => i.features ?? []),
          ),
        };
  return {
    modelName: target.model,
    modelVersion: toOipVersion(target.version),
    inputs: [{ name: spec.name, datatype: spec.datatype, shape: tensor.shape }],
    rawInputContents: [tensor.raw],
  };
}

/** One prediction per input from the output tensors; throws TensorFormatError when they do not fit the signature. */
export function decode(target: BatchTarget, kind: InputKind, response: ModelInferResponse__Output, count: number): Prediction[] {
  const tensor = (
    name: string,
  ): { datatype: string; contents: InferTensorContents__Output | null; raw: Buffer | undefined } | undefined => {
    const index = response.outputs.findIndex((o) => o.name === name);
    const output = response.outputs[index];
    if (!output) return undefined;
    return {
      datatype: output.datatype,
      contents: output.contents,
      raw: response.rawOutputContents.length > 0 ? response.rawOutputContents[index] : undefined,
    };
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
    modelVersion: response.modelVersion === '' ? target.version : fromOipVersion(response.modelVersion),
    batchSize: count,
    loadId: null,
  };
  if (kind === 'TEXT') {
    const labels = texts(TEXT_OUTPUTS.label);
    if (!labels) throw new TensorFormatError(`no output tensor ${TEXT_OUTPUTS.label}`);
    const scores = numbers(TEXT_OUTPUTS.score);
    const confidences = numbers(TEXT_OUTPUTS.confidence);
    return labels.map((label, i) => {
      const known = SENTIMENT_LABELS.find((l) => l === label);
      if (!known)
        throw new TensorFormatError(
          `output tensor ${TEXT_OUTPUTS.label}, element ${i} is ${JSON.stringify(label)}; expected ${SENTIMENT_LABELS.join(', ')}`,
        );
      return { ...common, sentiment: { label: known, score: scores[i] ?? 0, confidence: confidences[i] ?? 0 } };
    });
  }
  const classes = numbers(FEATURES_OUTPUTS.classId);
  const probabilities = numbers(FEATURES_OUTPUTS.probability);
  // `label` is optional for other servers: without it the class id is the label.
  const labels = texts(FEATURES_OUTPUTS.label);
  return classes.map((classId, i) => ({
    ...common,
    numeric: { classId, probability: probabilities[i] ?? 0, label: labels?.[i] ?? String(classId) },
  }));
}
