/** Checks one input against its model's input kind and the configured limits. */
import { InferGraphError } from '../../../lib/errors';
import { checkFeatureCount, checkText } from '../../../lib/limits/input';
import type { InputLimits } from '../../../lib/limits/input';
import type { PredictInput__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import type { InputKind, ModelInput } from '../models/types';

export type { InputLimits };

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
    checkText(text, limits);
    return { kind: 'text', text };
  }
  const values = input.features?.values ?? [];
  checkFeatureCount(values, limits);
  const badIndex = values.findIndex((v) => !Number.isFinite(v));
  if (badIndex >= 0) throw bad(`features[${badIndex}] is ${String(values[badIndex])}; every feature must be a finite number`);
  return { kind: 'features', values };
}
