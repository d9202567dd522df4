/** The OIP backend in front of another OIP server (stand-in-server.ts): its catalog, bisection, chunks, deadlines, FP32, NOT_FOUND. */
import { InferGraphError } from '../../../../../lib/errors';
import { createLogger } from '../../../../../lib/logger';
import { graphql } from '../../../../../stack/graphql-client';
import { loadPredictionConfig } from '../../config';
import type { ModelInput } from '../../domain';
import { startPredictionSubgraph } from '../../server';
import type { InferenceBackend } from '../backend';
import { createOipBackend } from './oip-backend';
import { LIMITED_MAX_BATCH, startStandIn } from './stand-in-server';
import type { StandIn } from './stand-in-server';

async function outcomes(answers: Promise<unknown>[]): Promise<unknown[]> {
  return Promise.all(
    answers.map((a) => a.catch((err: unknown) => (err instanceof InferGraphError ? { code: err.code, message: err.message } : err))),
  );
}

const text = (t: string): ModelInput => ({ text: t });
const features = (values: number[]): ModelInput => ({ features: values });

describe('OIP backend in front of another OIP server', () => {
  let standIn: StandIn;
  let backend: InferenceBackend;
  beforeAll(async () => {
    standIn = await startStandIn();
    const config = loadPredictionConfig({ INFERENCE_PROTOCOL: 'oip', INFERENCE_URL: standIn.address, CANARY: 'sentiment:v2:10' });
    backend = createOipBackend(config, createLogger('prediction-subgraph', 'silent'));
    await backend.catalog.whenSynced();
  });
  beforeEach(() => {
    standIn.calls.length = 0;
  });
  afterAll(async () => {
    await backend.dispose();
    standIn.close();
  });

  it('builds its catalog from configuration, ModelMetadata and ModelReady', () => {
    expect(backend.catalog.get('sentiment')).toMatchObject({
      inputKind: 'TEXT',
      defaultVersion: 'v1',
      canary: { version: 'v2', percent: 10 },
      versions: [
        { version: 'v1', state: 'LOADED', default: true, canary: false },
        { version: 'v2', state: 'FAILED', default: false, canary: true },
      ],
    });
    expect(backend.catalog.get('numeric')).toMatchObject({ inputKind: 'FEATURES', defaultVersion: 'v1', canary: null });
  });

  it("answers null statistics for a server without Triton's statistics extension", async () => {
    await expect(backend.statistics([{ model: 'sentiment', version: 'v1' }])).resolves.toEqual([null]);
  });

  it('sends one raw ModelInfer per batch, naming the OIP version, and reads typed outputs of shape [batch, 1]', async () => {
    const answers = await Promise.all(backend.predictBatch({ model: 'sentiment', version: 'v1' }, [text('one'), text('two')], ['req-1']));
    const answer = expect.objectContaining({
      modelVersion: 'v1',
      batchSize: 2,
      sentiment: { label: 'POSITIVE', score: 0.5, confidence: 0.75 },
    });
    expect(answers).toEqual([answer, answer]);
    expect(standIn.calls).toHaveLength(1);
    expect(standIn.calls[0]).toMatchObject({
      modelName: 'sentiment',
      modelVersion: '1',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: ['2'] }],
    });
    expect(standIn.calls[0]?.rawInputContents).toHaveLength(1);
  });

  const batchSizes = (): number[] => standIn.calls.map((c) => Number(c.inputs[0]?.shape[0])).sort((a, b) => b - a);
  const positive = (batchSize: number): unknown =>
    expect.objectContaining({ sentiment: expect.objectContaining({ label: 'POSITIVE' }), batchSize });
  const times = (n: number, value: unknown): unknown[] => Array.from({ length: n }, () => value);

  it('answers a batch the server refused for one input by sending it again in halves', async () => {
    const answers = await outcomes(
      backend.predictBatch({ model: 'sentiment', version: 'v1' }, [text('fine'), text('bad'), text('also fine')], ['req-2']),
    );
    expect(answers).toEqual([positive(1), { code: 'BAD_USER_INPUT', message: 'input text, element 0 is bad' }, positive(1)]);
    expect(batchSizes()).toEqual([3, 2, 1, 1, 1]);
  });

  it('finds one bad input among 32 in 2·log2(32) more calls, the others answering', async () => {
    const inputs = Array.from({ length: 32 }, (_, i) => text(i === 21 ? 'bad' : `fine ${i}`));
    const answers = await outcomes(backend.predictBatch({ model: 'sentiment', version: 'v1' }, inputs, ['req-5']));
    expect(answers.filter((a) => JSON.stringify(a).includes('BAD_USER_INPUT'))).toEqual([
      { code: 'BAD_USER_INPUT', message: 'input text, element 0 is bad' },
    ]);
    expect(answers[21]).toEqual({ code: 'BAD_USER_INPUT', message: 'input text, element 0 is bad' });
    expect(answers.filter((_, i) => i !== 21)).toEqual(
      times(31, expect.objectContaining({ sentiment: expect.objectContaining({ label: 'POSITIVE' }) })),
    );
    expect(standIn.calls).toHaveLength(1 + 2 * 5);
  });

  it('stops halving after 2·log2(n) more calls when the model fails every input, failing them all with its error', async () => {
    const answers = await outcomes(
      backend.predictBatch(
        { model: 'broken', version: 'v1' },
        Array.from({ length: 32 }, (_, i) => text(`input ${i}`)),
        ['req-6'],
      ),
    );
    expect(answers).toEqual(times(32, { code: 'INFERENCE_FAILED', message: 'the model crashed' }));
    expect(standIn.calls).toHaveLength(1 + 2 * 5);
  });

  it('answers every input when the server refuses batches larger than its own, in a few more calls', async () => {
    const answers = await outcomes(
      backend.predictBatch(
        { model: 'limited', version: 'v1' },
        Array.from({ length: 32 }, (_, i) => text(`input ${i}`)),
        ['req-7'],
      ),
    );
    expect(answers).toEqual(times(32, positive(8)));
    expect(batchSizes()).toEqual([32, 16, 16, 8, 8, 8, 8]);
  });

  it('refuses an input of the wrong kind alone, sends each feature width in its own call, and uses the class id as label', async () => {
    const answers = await outcomes(
      backend.predictBatch(
        { model: 'numeric', version: 'v1' },
        [features([1, 2]), text('words'), features([3, 4, 5]), features([6, 7])],
        ['req-3'],
      ),
    );
    expect(answers).toEqual([
      expect.objectContaining({ numeric: { classId: 2, probability: 0.25, label: '2' }, batchSize: 2 }),
      { code: 'BAD_USER_INPUT', message: 'model numeric takes features, not text' },
      expect.objectContaining({ numeric: { classId: 3, probability: 0.25, label: '3' }, batchSize: 1 }),
      expect.objectContaining({ numeric: { classId: 2, probability: 0.25, label: '2' }, batchSize: 2 }),
    ]);
    expect(standIn.calls.map((c) => c.inputs[0]?.shape)).toEqual([
      ['2', '2'],
      ['1', '3'],
    ]);
  });

  it('sends batches in chunks of OIP_MAX_BATCH_SIZE', async () => {
    const config = loadPredictionConfig({
      INFERENCE_PROTOCOL: 'oip',
      INFERENCE_URL: standIn.address,
      OIP_MAX_BATCH_SIZE: String(LIMITED_MAX_BATCH),
    });
    const chunked = createOipBackend(config, createLogger('prediction-subgraph', 'silent'));
    try {
      const answers = await outcomes(
        chunked.predictBatch(
          { model: 'limited', version: 'v1' },
          Array.from({ length: 20 }, (_, i) => text(`input ${i}`)),
          ['req-8'],
        ),
      );
      expect(answers).toEqual([...times(16, positive(8)), ...times(4, positive(4))]);
      expect(batchSizes()).toEqual([8, 8, 4]);
    } finally {
      await chunked.dispose();
    }
  });

  it('without OIP_BATCH_TIMEOUT_MS, lets an input that hangs time out its whole call at the deadline', async () => {
    const config = loadPredictionConfig({ INFERENCE_PROTOCOL: 'oip', INFERENCE_URL: standIn.address, INFERENCE_DEADLINE_MS: '300' });
    const plain = createOipBackend(config, createLogger('prediction-subgraph', 'silent'));
    try {
      const timedOut = { code: 'INFERENCE_TIMEOUT', message: 'sentiment:v1 did not answer within 300 ms (INFERENCE_DEADLINE_MS)' };
      expect(await outcomes(plain.predictBatch({ model: 'sentiment', version: 'v1' }, [text('hang'), text('fine')], ['req-9']))).toEqual([
        timedOut,
        timedOut,
      ]);
      expect(batchSizes()).toEqual([2]);
    } finally {
      await plain.dispose();
    }
  });

  it('with OIP_BATCH_TIMEOUT_MS, gives up a call an input holds and halves it, so that input times out alone', async () => {
    const config = loadPredictionConfig({
      INFERENCE_PROTOCOL: 'oip',
      INFERENCE_URL: standIn.address,
      INFERENCE_DEADLINE_MS: '1000',
      OIP_BATCH_TIMEOUT_MS: '100',
    });
    const capped = createOipBackend(config, createLogger('prediction-subgraph', 'silent'));
    try {
      // Answered from a halved call (batch of 1), not timed out with the one that hangs.
      const [hang, fine] = capped.predictBatch({ model: 'sentiment', version: 'v1' }, [text('hang'), text('fine')], ['req-10']);
      expect(await fine).toEqual(positive(1));
      expect(await outcomes([hang as Promise<unknown>])).toEqual([
        { code: 'INFERENCE_TIMEOUT', message: 'sentiment:v1 did not answer within 1000 ms (INFERENCE_DEADLINE_MS)' },
      ]);
      expect(batchSizes()).toEqual([2, 1, 1]);
    } finally {
      await capped.dispose();
    }
  });

  it('refuses alone a feature FP32 cannot hold, before it can sink its call, and sends one at the edge', async () => {
    const max = 3.4028234663852886e38;
    const answers = await outcomes(
      backend.predictBatch({ model: 'numeric', version: 'v1' }, [features([1, 1e39]), features([1, 2]), features([max, -max])], ['req-11']),
    );
    expect(answers).toEqual([
      {
        code: 'BAD_USER_INPUT',
        message: 'features[1] is 1e+39; with INFERENCE_PROTOCOL=oip features travel as FP32, which holds at most ±3.4028234663852886e+38',
      },
      expect.objectContaining({ numeric: expect.objectContaining({ classId: 2 }), batchSize: 2 }),
      expect.objectContaining({ numeric: expect.objectContaining({ classId: 2 }), batchSize: 2 }),
    ]);
    expect(standIn.calls.map((c) => c.inputs[0]?.shape)).toEqual([['2', '2']]);
  });

  it('falls back to the default version when the server answers a bare NOT_FOUND for the canary version', async () => {
    const config = loadPredictionConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      INFERENCE_PROTOCOL: 'oip',
      INFERENCE_URL: standIn.address,
      DEFAULT_MODEL_VERSIONS: 'kserve:v1',
      CANARY: 'kserve:v2:100',
    });
    const subgraph = await startPredictionSubgraph(config, createLogger('prediction-subgraph', 'silent'));
    try {
      await subgraph.catalog.whenSynced();
      const res = await graphql<{ predict: { routing: string; modelVersion: string } }>(
        subgraph.url,
        'mutation { predict(input: { model: "kserve", text: "hello" }) { routing modelVersion } }',
      );
      expect(res.data?.predict).toEqual({ routing: 'FALLBACK', modelVersion: 'v1' });
      expect(standIn.calls.map((c) => c.modelVersion)).toEqual(['2', '1']);
    } finally {
      await subgraph.close();
    }
  });

  it('answers MODEL_NOT_FOUND for a model the server does not have, not retried', async () => {
    const answers = await outcomes(backend.predictBatch({ model: 'nope', version: '' }, [text('a'), text('b')], ['req-4']));
    const notFound = expect.objectContaining({ code: 'MODEL_NOT_FOUND' });
    expect(answers).toEqual([notFound, notFound]);
    expect(standIn.calls).toHaveLength(1);
  });
});
