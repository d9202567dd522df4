/** The model repository through the whole stack: one version's artifact corrupted in a copy, the supergraph shows it FAILED with its reason and the others answer. */
import { writeFileSync } from 'node:fs';

import { copyRepository } from './helpers/model-repository';
import type { RepositoryCopy } from './helpers/model-repository';
import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';

interface ModelsData {
  models: { name: string; versions: { version: string; state: string; loadError: string | null }[] }[];
}

const PREDICT = `mutation ($input: PredictInput!) { predict(input: $input) { modelVersion label } }`;

describe('a model repository with one corrupted artifact, through the supergraph', () => {
  let repo: RepositoryCopy;
  let stack: Stack;
  beforeAll(async () => {
    repo = copyRepository();
    writeFileSync(repo.file('numeric/v2/params.json'), '{ "seed": 7 }\n');
    stack = await startStack({ inferenceEnv: { MODEL_REPOSITORY: repo.root } });
  });
  afterAll(async () => {
    await stack.close();
    repo.remove();
  });

  it('lists that version FAILED with the checksum mismatch as its reason, the others not', async () => {
    const res = await stack.query<ModelsData>('{ models { name versions { version state loadError } } }');
    expect(res.errors).toBeUndefined();
    const states = res.data?.models.flatMap((m) => m.versions.map((v) => [`${m.name}:${v.version}`, v.state]));
    expect(states).toEqual([
      ['sentiment:v1', 'UNLOADED'],
      ['sentiment:v2', 'UNLOADED'],
      ['sentiment:v3', 'UNLOADED'],
      ['numeric:v1', 'UNLOADED'],
      ['numeric:v2', 'FAILED'],
    ]);
    const numericV2 = res.data?.models.find((m) => m.name === 'numeric')?.versions.find((v) => v.version === 'v2');
    expect(numericV2?.loadError).toMatch(/^numeric\/v2\/params\.json: sha256 [0-9a-f]{64} does not match the manifest's [0-9a-f]{64}/);
  });

  it('answers predictions from the other versions, and INFERENCE_UNAVAILABLE from the failed one', async () => {
    for (const version of ['v1', 'v2', 'v3']) {
      const res = await stack.query<{ predict: { modelVersion: string } }>(PREDICT, {
        input: { model: 'sentiment', version, text: 'great' },
      });
      expect(res.errors).toBeUndefined();
      expect(res.data?.predict.modelVersion).toBe(version);
    }
    const v1 = await stack.query<{ predict: { modelVersion: string } }>(PREDICT, {
      input: { model: 'numeric', version: 'v1', features: [1] },
    });
    expect(v1.data?.predict.modelVersion).toBe('v1');
    const v2 = await stack.query(PREDICT, { input: { model: 'numeric', version: 'v2', features: [1] } });
    expect(v2.errors?.[0]?.extensions?.code).toBe('INFERENCE_UNAVAILABLE');
    expect(v2.errors?.[0]?.message).toMatch(/numeric:v2 failed to load/);
  });
});
