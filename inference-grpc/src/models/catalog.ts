/** Every model this service can serve. */
import { numericModel } from './numeric';
import type { NumericCost } from './numeric';
import { sentimentModel } from './sentiment';
import type { ModelDefinition } from './types';

export function modelCatalog(numericCost: NumericCost): readonly ModelDefinition[] {
  return [sentimentModel, numericModel(numericCost)];
}
