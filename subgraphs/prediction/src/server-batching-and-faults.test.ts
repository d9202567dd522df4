/** The prediction subgraph batching calls and holding up when inference-grpc struggles, over both protocols. */
import {
  BATCH_METHOD,
  INFERENCE_PROTOCOLS,
  inferenceMetric,
  predict,
  predictBatch,
  startPredictionStack,
} from '../../../test/helpers/prediction';
import type { PredictionStack } from '../../../test/helpers/prediction';
import { until } from '../../../lib/until';

describe.each(INFERENCE_PROTOCOLS)('prediction subgraph batching, speaking %s', (protocol) => {
  let stack: PredictionStack;
  beforeAll(async () => {
    stack = await startPredictionStack({
      protocol,
      // 100 HTTP operations sent at once from this process reach the subgraph over 250-300 ms
      // on a 2-core machine (Apollo's pipeline runs them one by one): the window must span that, with room.
      predictionEnv: { BATCH_MAX_SIZE: '32', BATCH_MAX_DELAY_MS: '1000' },
    });
  });
  afterAll(() => stack.close());

  it('merges 100 concurrent predict operations into at most ceil(100/BATCH_MAX_SIZE)+1 batch calls, each caller getting its own answer', async () => {
    const before = await inferenceMetric(stack, 'infergraph_inference_rpcs_total', { method: BATCH_METHOD[protocol], code: 'OK' });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => predict(stack, { model: 'numeric', features: [i, -i / 3], cache: 'BYPASS' })),
    );
    const after = await inferenceMetric(stack, 'infergraph_inference_rpcs_total', { method: BATCH_METHOD[protocol], code: 'OK' });
    expect(after - before).toBeLessThanOrEqual(Math.ceil(100 / 32) + 1);
    // Each caller's own answer: what inference-grpc answers for the same features asked alone.
    const alone = await Promise.all(
      Array.from({ length: 100 }, (_, i) => stack.inference.predict('numeric', { features: { values: [i, -i / 3] } }, { version: 'v1' })),
    );
    answers.forEach((a, i) => {
      expect(a.data?.predict).toMatchObject({ modelVersion: 'v1', classId: alone[i]?.prediction?.numeric?.classId ?? -1 });
    });
    expect(Math.max(...answers.map((a) => a.data?.predict.batchSize ?? 0))).toBeGreaterThan(1);
  });
});

describe.each(INFERENCE_PROTOCOLS)('prediction subgraph when inference-grpc struggles, speaking %s', (protocol) => {
  it('falls back to the default version when the canary version cannot load', async () => {
    const stack = await startPredictionStack({
      protocol,
      inferenceEnv: { SIMULATE_LOAD_FAILURE: 'sentiment:v2', CANARY: 'sentiment:v2:100' },
    });
    try {
      for (let i = 0; i < 2; i += 1) {
        const res = await predict(stack, { model: 'sentiment', text: `fallback ${i}` });
        expect(res.data?.predict).toMatchObject({ routing: 'FALLBACK', modelVersion: 'v1', canary: false });
      }
      expect((await predict(stack, { model: 'sentiment', version: 'v2', text: 'explicit' })).errors?.[0]?.extensions?.code).toBe(
        'INFERENCE_UNAVAILABLE',
      );
    } finally {
      await stack.close();
    }
  });

  it('answers INFERENCE_TIMEOUT near the deadline for simulate-timeout, while other predictions answer', async () => {
    // Both land in one batch (BATCH_MAX_DELAY_MS). ModelInfer is all or nothing, so under OIP the other answers
    // only because OIP_BATCH_TIMEOUT_MS gives the batch up and halves it; infergraph ignores that setting.
    const stack = await startPredictionStack({
      protocol,
      predictionEnv: { INFERENCE_DEADLINE_MS: '500', BATCH_MAX_DELAY_MS: '100', OIP_BATCH_TIMEOUT_MS: '150' },
    });
    try {
      const started = Date.now();
      const [slow, other] = await Promise.all([
        predict(stack, { model: 'sentiment', text: 'simulate-timeout' }),
        predict(stack, { model: 'sentiment', text: 'a fine day' }),
      ]);
      const elapsed = Date.now() - started;
      expect(slow.errors?.[0]).toMatchObject({ extensions: { code: 'INFERENCE_TIMEOUT' } });
      expect(elapsed).toBeGreaterThanOrEqual(450);
      expect(other.data?.predict.label).toBe('POSITIVE');
    } finally {
      await stack.close();
    }
  });

  it('answers a failing item of predictBatch alone, the others answering', async () => {
    const stack = await startPredictionStack({ protocol });
    try {
      const res = await predictBatch(stack, [
        { model: 'sentiment', text: 'a lovely morning', cache: 'BYPASS' },
        { model: 'sentiment', text: 'simulate-error', cache: 'BYPASS' },
        { model: 'sentiment', text: 'a dreadful evening', cache: 'BYPASS' },
      ]);
      const items = res.data?.predictBatch ?? [];
      expect(items.map((i) => i.__typename)).toEqual(['Prediction', 'PredictionError', 'Prediction']);
      expect(items[1]).toMatchObject({ index: 1, code: 'INFERENCE_FAILED', message: expect.stringContaining('failed on purpose') });
      expect(items.map((i) => (i.__typename === 'Prediction' ? i.label : i.code))).toEqual(['POSITIVE', 'INFERENCE_FAILED', 'NEGATIVE']);
    } finally {
      await stack.close();
    }
  });

  it('refuses an oversized input alone, before it can sink the batch it would join', async () => {
    const stack = await startPredictionStack({ protocol, predictionEnv: { BATCH_MAX_DELAY_MS: '50' } });
    try {
      const [huge, ...others] = await Promise.all([
        // Far past MAX_TEXT_LENGTH, within MAX_BODY_BYTES.
        predict(stack, { model: 'sentiment', text: 'x'.repeat(500_000) }),
        ...[1, 2, 3].map((i) => predict(stack, { model: 'sentiment', text: `a lovely day ${i}` })),
      ]);
      expect(huge.errors?.[0]).toMatchObject({
        message: 'text has 500000 characters; at most 10000 are allowed (MAX_TEXT_LENGTH)',
        extensions: { code: 'BAD_USER_INPUT' },
      });
      for (const other of others) expect(other.data?.predict.label).toBe('POSITIVE');
      const many = await predict(stack, { model: 'numeric', features: Array.from({ length: 1025 }, () => 1) });
      expect(many.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await stack.close();
    }
  });

  it('answers OVERLOADED at once past BATCH_MAX_QUEUE', async () => {
    const stack = await startPredictionStack({
      protocol,
      inferenceEnv: { NUMERIC_LATENCY_MS: '300' },
      predictionEnv: { BATCH_MAX_QUEUE: '2', BATCH_MAX_SIZE: '1', BATCH_MAX_DELAY_MS: '0' },
    });
    try {
      const order: string[] = [];
      await Promise.all(
        [1, 2, 3, 4].map((x) =>
          predict(stack, { model: 'numeric', features: [x], cache: 'BYPASS' }).then((r) =>
            order.push(r.errors?.[0]?.extensions?.code ?? 'OK'),
          ),
        ),
      );
      expect(order).toEqual(['OVERLOADED', 'OVERLOADED', 'OK', 'OK']);
    } finally {
      await stack.close();
    }
  });

  it('answers INFERENCE_UNAVAILABLE at once when inference-grpc is stopped, and keeps serving', async () => {
    const stack = await startPredictionStack({ protocol });
    try {
      await stack.inference.close();
      // UNAVAILABLE, not INFERENCE_TIMEOUT: the call did not wait for its deadline.
      const res = await predict(stack, { model: 'sentiment', text: 'anyone there?' });
      expect(res.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/ is unavailable \(gRPC UNAVAILABLE\)$/),
        extensions: { code: 'INFERENCE_UNAVAILABLE' },
      });
      // Where inference-grpc listens is for the log, not for the client.
      expect(res.errors?.[0]?.message).not.toContain(String(stack.inference.server.port));
      const health = await fetch(stack.subgraph.url.replace('/graphql', '/health'));
      expect(health.status).toBe(200);
    } finally {
      await stack.close();
    }
  });
});

/** The series of the subgraph's /metrics, without comments: what a scraper stores. */
async function seriesOf(stack: PredictionStack): Promise<string[]> {
  const text = await (await fetch(stack.metricsUrl('prediction'))).text();
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('process_') && !line.startsWith('nodejs_'));
}
const seriesNames = (series: readonly string[]): string[] => series.map((line) => line.slice(0, line.lastIndexOf(' ')));

describe.each(INFERENCE_PROTOCOLS)('made-up model names during an inference outage, speaking %s', (protocol) => {
  it('answer INFERENCE_UNAVAILABLE at once, without queueing, and add no metric series', async () => {
    const stack = await startPredictionStack({ protocol });
    try {
      // A known model, so the prediction series exist before the outage.
      expect((await predict(stack, { model: 'sentiment', text: 'fine', cache: 'BYPASS' })).errors).toBeUndefined();
      await stack.inference.close();
      await until(() => !stack.subgraph.catalog.synced, 'the catalog to stop counting as current', 10_000);
      const before = seriesNames(await seriesOf(stack));
      const madeUp = Array.from({ length: 150 }, (_, i) => ({ model: `made-up-${i}`, text: 'hello', cache: 'BYPASS' }));
      const res = await predictBatch(stack, [...madeUp, { model: 'sentiment', version: 'v77', text: 'hello' }]);
      expect(res.errors).toBeUndefined();
      const codes = new Set(res.data?.predictBatch.map((item) => (item.__typename === 'PredictionError' ? item.code : 'OK')));
      expect([...codes]).toEqual(['INFERENCE_UNAVAILABLE']);
      const first = res.data?.predictBatch[0];
      expect(first?.__typename === 'PredictionError' ? first.message : '').toMatch(/model catalog is not current/);
      expect(seriesNames(await seriesOf(stack))).toEqual(before);
    } finally {
      await stack.close();
    }
  });
});
