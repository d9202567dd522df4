import { Registry } from 'prom-client';

import { metricValue } from '../../../stack/prometheus';
import type { SendBatch } from './backends/backend';
import { BatchingLoaders } from './batching';
import type { ModelView } from './domain';
import { PredictionMetrics } from './metrics';

const catalog = {
  get: (name: string): ModelView | undefined =>
    name === 'sentiment'
      ? {
          name,
          inputKind: 'TEXT',
          defaultVersion: 'v1',
          canary: null,
          versions: ['v1', 'v2'].map((version) => ({
            version,
            state: 'LOADED',
            loadedAt: '2026-12-01T00:00:00.000Z',
            loadId: '0',
            default: version === 'v1',
            canary: false,
          })),
        }
      : undefined,
};

/** Answers every input at once, as a model server would, echoing the version it was sent to. */
const answerAll: SendBatch = (target, inputs) =>
  inputs.map(() =>
    Promise.resolve({
      modelVersion: target.version,
      batchSize: inputs.length,
      loadId: '0',
      sentiment: { label: 'POSITIVE', score: 1, confidence: 1 },
    }),
  );

describe('BatchingLoaders', () => {
  it('drops the loader of a version once nothing waits for it, so loaders stay bounded by work in flight', async () => {
    const registry = new Registry();
    const loaders = new BatchingLoaders(
      answerAll,
      { maxBatchSize: 8, maxDelayMs: 1, maxQueue: 100 },
      new PredictionMetrics(registry, 8, catalog),
    );
    const pending = ['v1', 'v2', 'v1'].map((v) => loaders.load('sentiment', v, { text: 'hi' }, 'r'));
    expect(loaders.activeVersions).toBe(2);
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.modelVersion)).toEqual(['v1', 'v2', 'v1']);
    expect(loaders.activeVersions).toBe(0);
    // A later load gets a fresh loader and is answered as before.
    await expect(loaders.load('sentiment', 'v1', { text: 'again' }, 'r')).resolves.toMatchObject({ modelVersion: 'v1' });
    expect(loaders.activeVersions).toBe(0);
  });

  it('labels batch metrics only with model versions the catalog knows', async () => {
    const registry = new Registry();
    const loaders = new BatchingLoaders(
      answerAll,
      { maxBatchSize: 8, maxDelayMs: 1, maxQueue: 100 },
      new PredictionMetrics(registry, 8, catalog),
    );
    await Promise.all([
      loaders.load('sentiment', 'v1', { text: 'a' }, 'r'),
      loaders.load('sentiment', 'v9', { text: 'b' }, 'r'),
      loaders.load('invented', 'v1', { text: 'c' }, 'r'),
    ]);
    const text = await registry.metrics();
    expect(metricValue(text, 'infergraph_predict_batch_size_count', { model: 'sentiment', version: 'v1' })).toBe(1);
    expect(metricValue(text, 'infergraph_predict_batch_size_count', { model: 'sentiment', version: 'unknown' })).toBe(1);
    expect(metricValue(text, 'infergraph_predict_batch_size_count', { model: 'unknown', version: 'unknown' })).toBe(1);
    expect(text).not.toMatch(/invented|v9/);
  });

  it('sends the inputs that find a version idle on the next turn, and holds those behind a batch in flight for the max delay', async () => {
    const sent: string[][] = [];
    let release: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (release = resolve));
    const gated: SendBatch = (target, inputs) => {
      sent.push(inputs.map((i) => i.text ?? ''));
      return answerAll(target, inputs, []).map((answer) => inFlight.then(() => answer));
    };
    const loaders = new BatchingLoaders(
      gated,
      { maxBatchSize: 8, maxDelayMs: 50, maxQueue: 100 },
      new PredictionMetrics(new Registry(), 8, catalog),
    );
    const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const first = ['a', 'b'].map((text) => loaders.load('sentiment', 'v1', { text }, 'r'));
    await nextTurn();
    expect(sent).toEqual([['a', 'b']]);
    const behind = loaders.load('sentiment', 'v1', { text: 'c' }, 'r');
    await nextTurn();
    // A batch of v1 is in flight: c waits for others to join it.
    expect(sent).toEqual([['a', 'b']]);
    release();
    await Promise.all([...first, behind]);
    expect(sent).toEqual([['a', 'b'], ['c']]);
  });
});
