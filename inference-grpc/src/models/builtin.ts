/** The models this service serves out of the box: sentiment and the mock numeric classifier. */
import { numericModel } from './numeric';
import type { NumericCost } from './numeric';
import { sentimentModel } from './sentiment';
import type { ModelDefinition } from './types';

export function builtinModels(numericCost: NumericCost): readonly ModelDefinition[] {
  return [sentimentModel, numericModel(numericCost)];
}
