/** Checks one input against its model's input kind and the configured limits. */
import { InferGraphError } from '../../../lib/errors';
import { checkFeatureCount, checkText } from '../../../lib/limits/input';
import type { InputLimits } from '../../../lib/limits/input';
import type { InputKind, ModelInput } from '../models/types';

function bad(message: string): InferGraphError {
  return new InferGraphError('BAD_USER_INPUT', message);
}

export function validateInput(model: string, kind: InputKind, input: ModelInput | undefined, limits: InputLimits): ModelInput {
  const expected = kind === 'TEXT' ? 'text' : 'features';
  if (!input) throw bad(`input is missing; model ${model} takes ${expected}`);
  if (input.kind !== expected) throw bad(`model ${model} takes ${expected}, not ${input.kind}`);
  if (input.kind === 'text') {
    checkText(input.text, limits);
    return input;
  }
  const { values } = input;
  checkFeatureCount(values, limits);
  const badIndex = values.findIndex((v) => !Number.isFinite(v));
  if (badIndex >= 0) throw bad(`features[${badIndex}] is ${String(values[badIndex])}; every feature must be a finite number`);
  return input;
}
