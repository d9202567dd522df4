/**
 * From an OIP ModelInferRequest to the engine's inputs, and from its
 * predictions back to output tensors, for the model signatures of
 * lib/oip/signatures.ts. A malformed request is refused whole with
 * BAD_USER_INPUT (gRPC INVALID_ARGUMENT), the message naming the tensor.
 */
import { InferGraphError } from '../../../lib/errors';
import type { ModelInferRequest__Output } from '../../../lib/grpc/generated/inference/ModelInferRequest';
import type { ModelStatistics } from '../../../lib/grpc/generated/inference/ModelStatistics';
import type { _inference_ModelInferResponse_InferOutputTensor as InferOutputTensor } from '../../../lib/grpc/generated/inference/ModelInferResponse';
import { FEATURES_OUTPUTS, TEXT_OUTPUTS, describeTensor, outputValue, signatureOf } from '../../../lib/oip/signatures';
import type { TensorSpec } from '../../../lib/oip/signatures';
import {
  TensorFormatError,
  elementCount,
  rawBytes,
  rawNumbers,
  readBytes,
  readNumbers,
  typedNumbers,
  utf8,
} from '../../../lib/oip/tensors';
import type { PredictionResult } from '../engine/engine';
import type { InputKind, ModelInput } from '../models/types';
import type { VersionTotals } from '../statistics';

export interface DecodedRequest {
  /** One engine input per batch element, in order. */
  readonly inputs: ModelInput[];
  /** The input tensor's name, for messages about one element. */
  readonly tensor: string;
  /** The outputs to answer, in the order to answer them. */
  readonly outputs: readonly TensorSpec[];
  /** Answer in raw_output_contents, as the request was sent. */
  readonly raw: boolean;
}

/** The limits a request's shape is checked against before any of its contents is read. */
export interface ShapeLimits {
  /** MAX_BATCH_ITEMS: most elements in the batch dimension. */
  readonly maxBatchItems: number;
  /** MAX_FEATURES: most features in a row of a numeric model. */
  readonly maxFeatures: number;
}

function bad(message: string): InferGraphError {
  return new InferGraphError('BAD_USER_INPUT', message);
}

/**
 * Refuses a shape past the limits before anything is read or built for it:
 * `[1e8, 0]` holds no elements, yet would cost one input object per row.
 */
function checkShape(name: string, kind: InputKind, shape: readonly (string | number)[], limits: ShapeLimits): void {
  const dims = shape.map(Number);
  const [batch = 0, width = 0] = dims;
  if (batch === 0) throw new TensorFormatError(`tensor ${name} has an empty batch; send at least one element`);
  if (batch > limits.maxBatchItems) {
    throw new TensorFormatError(
      `tensor ${name} has a batch of ${batch} elements; at most ${limits.maxBatchItems} are allowed in one request (MAX_BATCH_ITEMS)`,
    );
  }
  if (kind === 'FEATURES' && width === 0)
    throw new TensorFormatError(`tensor ${name} has rows of 0 features; send at least one feature per row`);
  if (kind === 'FEATURES' && width > limits.maxFeatures) {
    throw new TensorFormatError(`tensor ${name} has rows of ${width} features; at most ${limits.maxFeatures} are allowed (MAX_FEATURES)`);
  }
}

export function decodeInferRequest(
  model: string,
  kind: InputKind,
  request: ModelInferRequest__Output,
  limits: ShapeLimits,
): DecodedRequest {
  const signature = signatureOf(kind);
  const spec = signature.input;
  const takes = `model ${model} takes one input tensor ${describeTensor(spec)}`;
  const tensor = request.inputs[0];
  if (!tensor) throw bad(`the request has no input tensor; ${takes}`);
  const extra = request.inputs.find((t) => t.name !== spec.name);
  if (extra) throw bad(`input tensor ${extra.name} is not an input of model ${model}; ${takes}`);
  if (request.inputs.length > 1) throw bad(`input tensor ${spec.name} is given ${request.inputs.length} times; ${takes}`);
  if (tensor.datatype !== spec.datatype)
    throw bad(`input tensor ${spec.name} has datatype ${tensor.datatype || '(none)'}; model ${model} takes ${spec.datatype}`);
  if (tensor.shape.length !== spec.shape.length) {
    throw bad(`input tensor ${spec.name} has shape [${tensor.shape.join(', ')}]; model ${model} takes ${describeTensor(spec)}`);
  }
  const raw = request.rawInputContents.length > 0;
  if (raw && request.rawInputContents.length !== request.inputs.length) {
    throw bad(
      `raw_input_contents has ${request.rawInputContents.length} entries; it needs one per input tensor (${request.inputs.length})`,
    );
  }
  if (raw && tensor.contents) throw bad(`input tensor ${spec.name} has contents and raw_input_contents; send one of them`);
  const requested = request.outputs.map((o) => {
    const found = signature.outputs.find((s) => s.name === o.name);
    if (!found)
      throw bad(
        `requested output ${o.name} is not an output of model ${model}; outputs are ${signature.outputs.map((s) => s.name).join(', ')}`,
      );
    return found;
  });
  const outputs = requested.length > 0 ? requested : signature.outputs;
  try {
    const count = elementCount(spec.name, tensor.shape);
    checkShape(spec.name, kind, tensor.shape, limits);
    const batch = Number(tensor.shape[0]);
    const rawContents = raw ? request.rawInputContents[0] : undefined;
    if (kind === 'TEXT') {
      const texts = readBytes(spec.name, count, tensor.contents, rawContents);
      return { inputs: texts.map((bytes, i) => ({ kind: 'text', text: utf8(spec.name, i, bytes) })), tensor: spec.name, outputs, raw };
    }
    const width = count / batch;
    const values = readNumbers(spec.name, spec.datatype, count, tensor.contents, rawContents);
    const notFinite = values.findIndex((v) => !Number.isFinite(v));
    if (notFinite >= 0) {
      throw new TensorFormatError(
        `tensor ${spec.name}, element ${Math.floor(notFinite / width)}, feature ${notFinite % width} is ${String(values[notFinite])}; every feature must be a finite number`,
      );
    }
    const inputs = Array.from({ length: batch }, (_, row): ModelInput => ({
      kind: 'features',
      values: values.slice(row * width, (row + 1) * width),
    }));
    return { inputs, tensor: spec.name, outputs, raw };
  } catch (err) {
    if (err instanceof TensorFormatError) throw bad(`input ${err.message}`);
    throw err;
  }
}

function valuesOf(name: string, result: PredictionResult): string | number {
  const out = result.output;
  const value = out.kind === 'sentiment' ? outputValue(TEXT_OUTPUTS, out, name) : outputValue(FEATURES_OUTPUTS, out, name);
  if (value === undefined) throw new Error(`output tensor ${name} carries no field of a ${out.kind} answer`);
  return value;
}

export function encodeOutputs(
  outputs: readonly TensorSpec[],
  results: readonly PredictionResult[],
  raw: boolean,
): { outputs: InferOutputTensor[]; rawOutputContents: Buffer[] } {
  const encoded = outputs.map((spec): { tensor: InferOutputTensor; bytes: Buffer } => {
    const tensor: InferOutputTensor = { name: spec.name, datatype: spec.datatype, shape: [results.length] };
    const values = results.map((r) => valuesOf(spec.name, r));
    if (spec.datatype === 'BYTES') {
      const texts = values.map(String);
      return raw
        ? { tensor, bytes: rawBytes(texts) }
        : { tensor: { ...tensor, contents: { bytesContents: texts.map((t) => Buffer.from(t, 'utf8')) } }, bytes: Buffer.alloc(0) };
    }
    const numbers = values.map(Number);
    return raw
      ? { tensor, bytes: rawNumbers(spec.datatype, numbers) }
      : { tensor: { ...tensor, contents: typedNumbers(spec.datatype, numbers) }, bytes: Buffer.alloc(0) };
  });
  return { outputs: encoded.map((e) => e.tensor), rawOutputContents: raw ? encoded.map((e) => e.bytes) : [] };
}

/** Triton's ModelStatistics of one version (its OIP name), durations in nanoseconds. */
export function modelStatisticsToWire(name: string, version: string, totals: VersionTotals): ModelStatistics {
  const ns = (ms: number): string => String(Math.round(ms * 1e6));
  return {
    name,
    version,
    lastInference: String(totals.lastInference),
    inferenceCount: String(totals.success.count),
    executionCount: String(totals.executions),
    inferenceStats: {
      success: { count: String(totals.success.count), ns: ns(totals.success.ms) },
      fail: { count: String(totals.fail.count), ns: ns(totals.fail.ms) },
    },
  };
}
