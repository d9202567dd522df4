import { generateInferenceToken } from '../../../lib/grpc/security';
import { graphql } from '../../../stack/graphql-client';
import { startInference } from '../../../test/helpers/inference';
import type { InferenceFixture } from '../../../test/helpers/inference';
import { startModels } from '../../../test/helpers/models';
import type { ModelsSubgraph } from './server';

const MODEL_FIELDS =
  'name description inputKind defaultVersion canary { version percent } versions { version state loaded loadedAt loadError default canary }';

describe('models subgraph over HTTP, in front of the real inference-grpc', () => {
  let inference: InferenceFixture;
  let models: ModelsSubgraph;
  beforeAll(async () => {
    inference = await startInference();
    models = await startModels(inference);
  });
  afterAll(async () => {
    await models.close();
    await inference.close();
  });

  it('lists both models with their versions and traffic policy', async () => {
    const res = await graphql<{
      models: {
        name: string;
        inputKind: string;
        defaultVersion: string;
        canary: null;
        versions: { version: string; loaded: boolean; loadedAt: string | null }[];
      }[];
    }>(models.url, `{ models { ${MODEL_FIELDS} } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.models.map((m) => [m.name, m.inputKind, m.defaultVersion, m.canary])).toEqual([
      ['sentiment', 'TEXT', 'v1', null],
      ['numeric', 'FEATURES', 'v1', null],
    ]);
    expect(res.data?.models[0]?.versions).toEqual([
      { version: 'v1', state: 'UNLOADED', loaded: false, loadedAt: null, loadError: null, default: true, canary: false },
      { version: 'v2', state: 'UNLOADED', loaded: false, loadedAt: null, loadError: null, default: false, canary: false },
      { version: 'v3', state: 'UNLOADED', loaded: false, loadedAt: null, loadError: null, default: false, canary: false },
    ]);
  });

  it('finds one model by name, and answers null for an unknown name', async () => {
    const res = await graphql<{ a: { name: string } | null; b: null }>(
      models.url,
      '{ a: model(name: "numeric") { name } b: model(name: "vision") { name } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: { name: 'numeric' }, b: null });
  });

  it('changes the traffic policy through the registry', async () => {
    const set = await graphql<{ setTrafficPolicy: { defaultVersion: string; canary: { version: string; percent: number } | null } }>(
      models.url,
      'mutation { setTrafficPolicy(input: { model: "sentiment", canary: { version: "v2", percent: 30 } }) { defaultVersion canary { version percent } } }',
    );
    expect(set.data?.setTrafficPolicy).toEqual({ defaultVersion: 'v1', canary: { version: 'v2', percent: 30 } });
    const promoted = await graphql<{ setTrafficPolicy: { defaultVersion: string; canary: null } }>(
      models.url,
      'mutation { setTrafficPolicy(input: { model: "sentiment", defaultVersion: "v2" }) { defaultVersion canary { version } } }',
    );
    expect(promoted.data?.setTrafficPolicy).toEqual({ defaultVersion: 'v2', canary: null });
    await graphql(models.url, 'mutation { setTrafficPolicy(input: { model: "sentiment", defaultVersion: "v1" }) { name } }');
  });

  it.each([
    ['an unknown model', '{ model: "vision", clearCanary: true }', 'MODEL_NOT_FOUND'],
    ['an unknown version', '{ model: "numeric", defaultVersion: "v9" }', 'MODEL_VERSION_NOT_FOUND'],
    ['percent 0', '{ model: "numeric", canary: { version: "v2", percent: 0 } }', 'BAD_USER_INPUT'],
    ['percent 101', '{ model: "numeric", canary: { version: "v2", percent: 101 } }', 'BAD_USER_INPUT'],
    ['both canary and clearCanary', '{ model: "numeric", canary: { version: "v2", percent: 5 }, clearCanary: true }', 'BAD_USER_INPUT'],
    ['nothing to change', '{ model: "numeric" }', 'BAD_USER_INPUT'],
  ])('refuses a policy with %s', async (_name, input, code) => {
    const res = await graphql(models.url, `mutation { setTrafficPolicy(input: ${input}) { name } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
  });

  it('answers INFERENCE_UNAVAILABLE when inference-grpc cannot be reached', async () => {
    const lone = await startInference();
    await lone.close();
    const orphan = await startModels(lone);
    try {
      const res = await graphql(orphan.url, '{ models { name } }');
      expect(res.errors?.[0]).toMatchObject({
        extensions: { code: 'INFERENCE_UNAVAILABLE' },
        message: expect.stringContaining('is unavailable'),
      });
    } finally {
      await orphan.close();
    }
  });

  it("answers INFERENCE_UNAVAILABLE naming INFERENCE_TOKEN, not the caller's UNAUTHENTICATED, when inference-grpc refuses its token", async () => {
    const refused = await startModels(inference, { INFERENCE_TOKEN: generateInferenceToken() });
    try {
      const res = await graphql(refused.url, '{ models { name } }');
      expect(res.errors?.[0]).toMatchObject({
        extensions: { code: 'INFERENCE_UNAVAILABLE' },
        message: expect.stringContaining("refused this service's credentials (INFERENCE_TOKEN)"),
      });
    } finally {
      await refused.close();
    }
  });
});
