import { metricValue } from '../stack/prometheus';
import { INFERENCE_PROTOCOLS } from './helpers/prediction';
import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';

interface PredictionData {
  id: string;
  modelVersion: string;
  routing: string;
  canary: boolean;
  cache: string;
  latencyMs: number;
  batchSize: number;
  label: string;
  classId: number | null;
  model: { name: string; description: string; defaultVersion: string; canary: { percent: number } | null };
}

const PREDICT = `mutation ($input: PredictInput!) {
  predict(input: $input) { id modelVersion routing canary cache latencyMs batchSize label classId model { name description defaultVersion canary { percent } } }
}`;

describe.each(INFERENCE_PROTOCOLS)('the supergraph over the whole stack, the prediction subgraph speaking %s', (protocol) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ protocol });
  });
  afterAll(() => stack.close());

  it('lists both models with their versions', async () => {
    const res = await stack.query<{ models: { name: string; versions: { version: string }[] }[] }>(
      '{ models { name versions { version } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.models.map((m) => [m.name, m.versions.map((v) => v.version)])).toEqual([
      ['sentiment', ['v1', 'v2', 'v3']],
      ['numeric', ['v1', 'v2']],
    ]);
  });

  it('serves sentiment v3 (learned) by explicit version: a label and a confidence from its probability, cached like the others', async () => {
    const query = `mutation { predict(input: { model: "sentiment", version: "v3", text: "The battery died after two days, what a waste." }) {
      modelVersion routing cache label score confidence } }`;
    const first = await stack.query<{
      predict: { modelVersion: string; routing: string; cache: string; label: string; score: number; confidence: number };
    }>(query);
    expect(first.errors).toBeUndefined();
    expect(first.data?.predict).toMatchObject({ modelVersion: 'v3', routing: 'EXPLICIT', cache: 'MISS', label: 'NEGATIVE' });
    expect(first.data?.predict.confidence).toBeGreaterThanOrEqual(0.5);
    expect(first.data?.predict.confidence).toBeLessThanOrEqual(1);
    const again = await stack.query<{ predict: { cache: string; confidence: number } }>(query);
    expect(again.data?.predict).toMatchObject({ cache: 'HIT', confidence: first.data?.predict.confidence });
  });

  it('predicts a sentiment label for text and a class for features, with the model resolved by the models subgraph', async () => {
    const text = await stack.query<{ predict: PredictionData }>(
      PREDICT,
      { input: { model: 'sentiment', text: 'I absolutely love it' } },
      { 'x-request-id': 'req-gw-1' },
    );
    expect(text.errors).toBeUndefined();
    expect(text.data?.predict).toMatchObject({
      id: 'req-gw-1:0',
      modelVersion: 'v1',
      routing: 'DEFAULT',
      canary: false,
      cache: 'MISS',
      batchSize: 1,
      label: 'POSITIVE',
      model: { name: 'sentiment', description: expect.stringContaining('Sentiment'), defaultVersion: 'v1', canary: null },
    });
    expect(text.data?.predict.latencyMs).toBeGreaterThan(0);
    const numeric = await stack.query<{ predict: PredictionData }>(PREDICT, { input: { model: 'numeric', features: [0.3, -1.2, 4] } });
    expect(numeric.data?.predict).toMatchObject({
      modelVersion: 'v1',
      classId: expect.any(Number),
      model: { name: 'numeric', defaultVersion: 'v1' },
    });
  });

  it('resolves the Model of 50 batch items from the registry copy, with no registry read', async () => {
    const read = async () => {
      const text = await (await fetch(stack.metricsUrl('inference'))).text();
      return ['ListModels', 'GetModel'].reduce(
        (sum, method) => sum + (metricValue(text, 'infergraph_inference_rpcs_total', { method, code: 'OK' }) ?? 0),
        0,
      );
    };
    const before = await read();
    const inputs = Array.from({ length: 50 }, (_, i) =>
      i % 2 ? { model: 'sentiment', text: `item ${i}` } : { model: 'numeric', features: [i] },
    );
    const res = await stack.query<{ predictBatch: { model: { defaultVersion: string } }[] }>(
      'mutation ($inputs: [PredictInput!]!) { predictBatch(inputs: $inputs) { ... on Prediction { model { defaultVersion } } } }',
      { inputs },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.predictBatch.every((p) => p.model.defaultVersion === 'v1')).toBe(true);
    expect((await read()) - before).toBe(0);
  });

  // Over OIP the prediction subgraph takes its traffic policy from its configuration, not from the registry
  // setTrafficPolicy writes (README, "Open Inference Protocol v2"): this holds for the infergraph protocol only.
  if (protocol === 'infergraph') {
    it('setTrafficPolicy changes what the next predictions get', async () => {
      const set = await stack.query<{ setTrafficPolicy: { defaultVersion: string } }>(
        'mutation { setTrafficPolicy(input: { model: "numeric", defaultVersion: "v2" }) { defaultVersion } }',
      );
      expect(set.data?.setTrafficPolicy.defaultVersion).toBe('v2');
      try {
        const until = Date.now() + 3000;
        let version = '';
        while (version !== 'v2' && Date.now() < until) {
          version =
            (await stack.query<{ predict: PredictionData }>(PREDICT, { input: { model: 'numeric', features: [1, 2] } })).data?.predict
              .modelVersion ?? '';
        }
        expect(version).toBe('v2');
        const res = await stack.query<{ predict: PredictionData }>(PREDICT, { input: { model: 'numeric', features: [5, 6] } });
        expect(res.data?.predict).toMatchObject({ modelVersion: 'v2', routing: 'DEFAULT', model: { defaultVersion: 'v2' } });
      } finally {
        await stack.query('mutation { setTrafficPolicy(input: { model: "numeric", defaultVersion: "v1" }) { name } }');
      }
    });
  }

  it('keeps the error codes of the subgraphs intact', async () => {
    const bad = await stack.query(PREDICT, { input: { model: 'numeric', text: 'not features' } });
    expect(bad.errors?.[0]).toMatchObject({
      message: 'model numeric takes features, not text',
      path: ['predict'],
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const unknown = await stack.query(PREDICT, { input: { model: 'vision', text: 'x' } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('MODEL_NOT_FOUND');
    const policy = await stack.query('mutation { setTrafficPolicy(input: { model: "numeric", defaultVersion: "v9" }) { name } }');
    expect(policy.errors?.[0]?.extensions?.code).toBe('MODEL_VERSION_NOT_FOUND');
    const timeout = await stack.query(
      'mutation { predictBatch(inputs: [{ model: "sentiment", text: "simulate-error" }]) { ... on PredictionError { code message } } }',
    );
    expect(timeout.data).toEqual({
      predictBatch: [{ code: 'INFERENCE_FAILED', message: 'sentiment:v1 failed on purpose: the input was "simulate-error"' }],
    });
  });
});
