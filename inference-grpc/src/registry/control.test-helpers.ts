/** What the registry's load/unload tests share: a recording model, a one-model catalog, and a version's state. */
import type { LoadedModel, ModelDefinition, ModelInput, ModelOutput } from '../models/types';
import type { ModelRegistry } from './model-registry';

export const options = { defaultVersions: new Map<string, string>(), canary: [], loadRetryMs: 60_000 };
export const WARMUP: ModelInput[] = [
  { kind: 'features', values: [1, 2] },
  { kind: 'features', values: [3] },
];

/** A model whose batches are recorded, and fail for features [-1] (a model error). */
export function recording(runs: (readonly ModelInput[])[]): LoadedModel {
  return {
    run: (inputs) => {
      runs.push(inputs);
      if (inputs.some((i) => i.kind === 'features' && i.values[0] === -1)) return Promise.reject(new Error('bad weights'));
      return Promise.resolve(inputs.map((): ModelOutput => ({ kind: 'numeric', classId: 0, probability: 1, label: 'low' })));
    },
  };
}

export function catalog(load: () => Promise<LoadedModel>, warmup: readonly ModelInput[] = WARMUP): ModelDefinition[] {
  return [
    {
      name: 'm',
      description: 'test model',
      inputKind: 'FEATURES',
      defaultVersion: 'v1',
      canary: { version: 'v2', percent: 10 },
      warmup,
      versions: ['v1', 'v2', 'v3'].map((version) => ({ version, description: version, load })),
    },
  ];
}

export const stateOf = (registry: ModelRegistry, version: string): string | undefined =>
  registry.get('m').versions.find((v) => v.version === version)?.state;
