/** Checks one input against its model's input kind and the configured limits. */
import { InferGraphError } from '../../lib/errors';
import type { PredictInput__Output } from '../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import type { InputKind, ModelInput } from './models/types';

export interface InputLimits {
  readonly maxTextLength: number;
  readonly maxFeatures: number;
}

function bad(message: string): InferGraphError {
  return new InferGraphError('BAD_USER_INPUT', message);
}

export function validateInput(
  model: string,
  kind: InputKind,
  input: PredictInput__Output | null | undefined,
  limits: InputLimits,
): ModelInput {
  const expected = kind === 'TEXT' ? 'text' : 'features';
  if (!input?.input) throw bad(`input is missing; model ${model} takes ${expected}`);
  if (input.input !== expected) throw bad(`model ${model} takes ${expected}, not ${input.input}`);
  if (input.input === 'text') {
    const text = input.text ?? '';
    if (text.trim() === '') throw bad(`text is empty; send 1 to ${limits.maxTextLength} characters`);
    const length = [...text].length;
    if (length > limits.maxTextLength) {
      throw bad(`text has ${length} characters; at most ${limits.maxTextLength} are allowed (MAX_TEXT_LENGTH)`);
    }
    return { kind: 'text', text };
  }
  const values = input.features?.values ?? [];
  if (values.length === 0) throw bad(`features is empty; send 1 to ${limits.maxFeatures} finite numbers`);
  if (values.length > limits.maxFeatures) {
    throw bad(`features has ${values.length} values; at most ${limits.maxFeatures} are allowed (MAX_FEATURES)`);
  }
  const badIndex = values.findIndex((v) => !Number.isFinite(v));
  if (badIndex >= 0) throw bad(`features[${badIndex}] is ${String(values[badIndex])}; every feature must be a finite number`);
  return { kind: 'features', values };
}
