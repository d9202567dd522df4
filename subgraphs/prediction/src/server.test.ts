import type { ModelInfo__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import { unary } from '../../../lib/grpc/unary';
import { classify } from '../../../inference-grpc/src/models/numeric';
import { liveSubscription, wsClient } from '../../../stack/graphql-client';
import { metricValue } from '../../../stack/prometheus';
import { BATCH_METHOD, INFERENCE_PROTOCOLS, PREDICTION_FIELDS, startPredictionStack } from '../../../test/helpers/prediction';
import type { InferenceProtocol, PredictionStack } from '../../../test/helpers/prediction';
import { until } from '../../../lib/until';

interface PredictionData {
  id: string;
  model: { name: string };
  modelVersion: string;
  routing: string;
  canary: boolean;
  cache: string;
  latencyMs: number;
  batchSize: number;
  label: string;
  score: number | null;
  confidence: number | null;
  classId: number | null;
  probability: number | null;
}

const PREDICT = `mutation ($input: PredictInput!) { predict(input: $input) { ${PREDICTION_FIELDS} } }`;
const PREDICT_BATCH = `mutation ($inputs: [PredictInput!]!) {
  predictBatch(inputs: $inputs) {
    __typename
    ... on Prediction { ${PREDICTION_FIELDS} }
    ... on PredictionError { index code message }
  }
}`;

type BatchItem = (PredictionData & { __typename: 'Prediction' }) | { __typename: 'PredictionError'; index: number; code: string; message: string };

async function predict(stack: PredictionStack, input: Record<string, unknown>, headers?: Record<string, string>) {
  return stack.query<{ predict: PredictionData }>(PREDICT, { input }, headers);
}

async function predictBatch(stack: PredictionStack, inputs: Record<string, unknown>[]) {
  return stack.query<{ predictBatch: BatchItem[] }>(PREDICT_BATCH, { inputs });
}

async function setPolicy(stack: PredictionStack, request: Parameters<PredictionStack['inference']['client']['SetTrafficPolicy']>[0]): Promise<void> {
  const info = await unary<ModelInfo__Output>((cb) => stack.inference.client.SetTrafficPolicy(request, cb));
  // The subgraph learns the policy from its WatchModels stream.
  const until = Date.now() + 3000;
  while (JSON.stringify(stack.subgraph.catalog.get(info.name)?.canary) !== JSON.stringify(info.canary)) {
    if (Date.now() > until) throw new Error('the subgraph did not see the policy change');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const MAIN_STACK_ENV = { MAX_BATCH_ITEMS: '200' };

/**
 * Runs `check` with a 25% v2 canary on sentiment: set at run time through the
 * registry (SetTrafficPolicy, seen over WatchModels) for the infergraph
 * protocol; OIP has no registry RPCs, so there the subgraph is started with it configured.
 */
async function withSentimentCanary(stack: PredictionStack, protocol: InferenceProtocol, check: (s: PredictionStack) => Promise<void>): Promise<void> {
  if (protocol === 'oip') {
    const configured = await startPredictionStack({ protocol, inferenceEnv: { CANARY: 'sentiment:v2:25' }, predictionEnv: MAIN_STACK_ENV });
    try {
      await check(configured);
    } finally {
      await configured.close();
    }
    return;
  }
  await setPolicy(stack, { model: 'sentiment', canary: { version: 'v2', percent: 25 } });
  try {
    await check(stack);
  } finally {
    await setPolicy(stack, { model: 'sentiment', clearCanary: true });
  }
}

async function inferenceMetric(stack: PredictionStack, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(stack.metricsUrl('inference'))).text();
  return metricValue(text, name, labels) ?? 0;
}

describe.each(INFERENCE_PROTOCOLS)('prediction subgraph over HTTP, in front of the real inference-grpc, speaking %s', (protocol) => {
  let stack: PredictionStack;
  beforeAll(async () => {
    stack = await startPredictionStack({
      protocol,
      inferenceEnv: { LOG_LEVEL: 'debug' },
      predictionEnv: MAIN_STACK_ENV,
    });
  });
  afterAll(() => stack.close());

  it('predicts sentiment with the default version, then serves the same input from the cache', async () => {
    const first = await predict(stack, { model: 'sentiment', text: 'What a wonderful, happy day!' }, { 'x-request-id': 'req-first' });
    expect(first.errors).toBeUndefined();
    expect(first.data?.predict).toMatchObject({
      id: 'req-first:0',
      model: { name: 'sentiment' },
      modelVersion: 'v1',
      routing: 'DEFAULT',
      canary: false,
      cache: 'MISS',
      batchSize: 1,
      label: 'POSITIVE',
      classId: null,
      probability: null,
    });
    expect(first.data?.predict.score).toBeGreaterThan(0);
    const second = await predict(stack, { model: 'sentiment', text: 'What a wonderful, happy day!' });
    expect(second.data?.predict).toMatchObject({ cache: 'HIT', batchSize: 0, label: 'POSITIVE', score: first.data?.predict.score, modelVersion: 'v1' });
  });

  it('sends the request id of every operation in a batch to inference-grpc in gRPC metadata', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `req-traced-${i}-${'x'.repeat(30)}`);
    await Promise.all(ids.map((id, i) => predict(stack, { model: 'sentiment', text: `request id check ${i}`, cache: 'BYPASS' }, { 'x-request-id': id })));
    const logged = new Set(stack.inference.logs.filter((l) => l.method === BATCH_METHOD[protocol]).flatMap((l) => String(l.requestId).split(',')));
    expect(ids.filter((id) => !logged.has(id))).toEqual([]);
  });

  it('keys the cache by version and canonical input: never a hit across versions, 1 and 1.0 are one number, NFC text is one text', async () => {
    const q = (literal: string, version: string) =>
      stack.query<{ predict: PredictionData }>(`mutation { predict(input: { model: "numeric", version: "${version}", features: ${literal} }) { ${PREDICTION_FIELDS} } }`);
    expect((await q('[1.0, 2, -3.5]', 'v1')).data?.predict).toMatchObject({ cache: 'MISS', routing: 'EXPLICIT', modelVersion: 'v1' });
    expect((await q('[1, 2.0, -3.50]', 'v1')).data?.predict).toMatchObject({ cache: 'HIT', modelVersion: 'v1' });
    expect((await q('[1, 2, -3.5]', 'v2')).data?.predict).toMatchObject({ cache: 'MISS', modelVersion: 'v2' });
    const composed = 'caf\u00e9 is lovely';
    const decomposed = 'cafe\u0301 is lovely';
    expect((await predict(stack, { model: 'sentiment', text: composed })).data?.predict.cache).toBe('MISS');
    expect((await predict(stack, { model: 'sentiment', text: decomposed })).data?.predict.cache).toBe('HIT');
  });

  it('honours cache: BYPASS and REFRESH', async () => {
    const input = { model: 'sentiment', text: 'cache policy check' };
    expect((await predict(stack, { ...input, cache: 'BYPASS' })).data?.predict.cache).toBe('BYPASS');
    expect((await predict(stack, { ...input, cache: 'BYPASS' })).data?.predict.cache).toBe('BYPASS');
    expect((await predict(stack, { ...input, cache: 'REFRESH' })).data?.predict.cache).toBe('MISS');
    expect((await predict(stack, { ...input, cache: 'USE' })).data?.predict.cache).toBe('HIT');
  });

  it('dedupes identical predictions within one operation and gives each field its own id', async () => {
    const before = await inferenceMetric(stack, 'infergraph_inference_inputs_total', { model: 'sentiment', version: 'v1', code: 'OK' });
    const res = await stack.query<{ a: PredictionData; b: PredictionData }>(
      `mutation { a: predict(input: { model: "sentiment", text: "twice in one go", cache: BYPASS }) { id label }
                  b: predict(input: { model: "sentiment", text: "twice in one go", cache: BYPASS }) { id label } }`,
      {},
      { 'x-request-id': 'req-dedupe' },
    );
    const after = await inferenceMetric(stack, 'infergraph_inference_inputs_total', { model: 'sentiment', version: 'v1', code: 'OK' });
    expect(after - before).toBe(1);
    expect([res.data?.a.id, res.data?.b.id].sort()).toEqual(['req-dedupe:0', 'req-dedupe:1']);
  });

  it('answers predictBatch item by item: a bad item is an error item and the others answer', async () => {
    const res = await predictBatch(stack, [
      { model: 'sentiment', text: 'good stuff' },
      { model: 'numeric', text: 'text for the numeric model' },
      { model: 'sentiment', text: 'x', features: [1] },
      { model: 'nope', text: 'x' },
      { model: 'numeric', version: 'v9', features: [1] },
      { model: 'numeric', features: [4, 2] },
    ]);
    expect(res.errors).toBeUndefined();
    const items = res.data?.predictBatch ?? [];
    expect(items.map((i) => i.__typename)).toEqual(['Prediction', 'PredictionError', 'PredictionError', 'PredictionError', 'PredictionError', 'Prediction']);
    expect(items[1]).toMatchObject({ index: 1, code: 'BAD_USER_INPUT', message: 'model numeric takes features, not text' });
    expect(items[2]).toMatchObject({ index: 2, code: 'BAD_USER_INPUT', message: 'give either text or features, not both' });
    expect(items[3]).toMatchObject({ index: 3, code: 'MODEL_NOT_FOUND' });
    expect(items[4]).toMatchObject({ index: 4, code: 'MODEL_VERSION_NOT_FOUND', message: 'model numeric has no version "v9"; versions are v1, v2' });
  });

  it('bounds predictBatch at MAX_BATCH_ITEMS', async () => {
    const inputs = (n: number) => Array.from({ length: n }, (_, i) => ({ model: 'sentiment', text: `item ${i}` }));
    expect((await predictBatch(stack, inputs(200))).data?.predictBatch).toHaveLength(200);
    const over = await predictBatch(stack, inputs(201));
    expect(over.errors?.[0]).toMatchObject({
      message: 'inputs has 201 items; at most 200 are allowed in one predictBatch (MAX_BATCH_ITEMS)',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('answers a single bad predict with a GraphQL error carrying the registered code', async () => {
    const res = await predict(stack, { model: 'numeric', features: [] });
    expect(res.data).toBeNull();
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringContaining('features is empty'), path: ['predict'], extensions: { code: 'BAD_USER_INPUT' } });
    expect((await predict(stack, { model: 'sentiment' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('splits traffic to the canary within 5 points of its percent, and keeps a routing key on one version', async () => {
    await withSentimentCanary(stack, protocol, async (stack) => {
      let canary = 0;
      for (let round = 0; round < 10; round += 1) {
        const res = await predictBatch(stack, Array.from({ length: 200 }, (_, i) => ({ model: 'sentiment', text: `split ${round}-${i}`, cache: 'BYPASS' })));
        for (const item of res.data?.predictBatch ?? []) {
          if (item.__typename !== 'Prediction') throw new Error(item.message);
          expect(item.canary).toBe(item.routing === 'CANARY');
          expect(item.modelVersion).toBe(item.routing === 'CANARY' ? 'v2' : 'v1');
          if (item.canary) canary += 1;
        }
      }
      expect(Math.abs(canary / 2000 - 0.25)).toBeLessThanOrEqual(0.05);

      const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
      const versions = await Promise.all(
        keys.map(async (routingKey) => {
          const seen = new Set<string>();
          for (let i = 0; i < 3; i += 1) {
            seen.add((await predict(stack, { model: 'sentiment', text: `sticky ${i}`, routingKey })).data?.predict.modelVersion ?? '?');
          }
          return [...seen];
        }),
      );
      expect(versions.every((v) => v.length === 1)).toBe(true);
      expect(new Set(versions.flat())).toEqual(new Set(['v1', 'v2']));
    });
  });

  it('publishes a latency event for every prediction to graphql-ws subscribers, filtered by model', async () => {
    const client = wsClient(stack.subgraph.url);
    try {
      const iterator = await liveSubscription<{ latencyEvents: Record<string, unknown> }>(
        client,
        'subscription { latencyEvents(model: "sentiment") { predictionId model { name } modelVersion routing cache latencyMs batchSize timestamp } }',
        (i) => predict(stack, { model: 'sentiment', text: 'warming up', cache: 'BYPASS' }, { 'x-request-id': `req-warm-${i}` }),
      );
      await predict(stack, { model: 'numeric', features: [7] }, { 'x-request-id': 'req-other' });
      await predict(stack, { model: 'sentiment', text: 'an event please', cache: 'BYPASS' }, { 'x-request-id': 'req-event' });
      const seen: Record<string, unknown>[] = [];
      for await (const result of iterator) {
        const event = result.data?.latencyEvents;
        if (event) seen.push(event);
        if (event?.predictionId === 'req-event:0') break;
      }
      expect(seen.filter((e) => !String(e.predictionId).startsWith('req-warm-')).map((e) => e.predictionId)).toEqual(['req-event:0']);
      const event = seen[seen.length - 1];
      expect(event).toMatchObject({ model: { name: 'sentiment' }, modelVersion: 'v1', routing: 'DEFAULT', cache: 'BYPASS', batchSize: 1 });
      expect(Date.parse(String(event?.timestamp))).not.toBeNaN();
    } finally {
      await client.dispose();
    }
  });

  it('counts predictions by model, version, routing and cache in /metrics, on METRICS_PORT only', async () => {
    const text = await (await fetch(stack.metricsUrl('prediction'))).text();
    expect((await fetch(stack.subgraph.url.replace('/graphql', '/metrics'))).status).toBe(404);
    expect(metricValue(text, 'infergraph_predictions_total', { model: 'sentiment', version: 'v1', routing: 'DEFAULT', cache: 'HIT' })).toBeGreaterThan(0);
    expect(metricValue(text, 'infergraph_prediction_cache_lookups_total', { result: 'hit' })).toBeGreaterThan(0);
    expect(metricValue(text, 'infergraph_predict_batch_size_count', { model: 'numeric', version: 'v1' })).toBeGreaterThan(0);
    expect(metricValue(text, 'infergraph_predict_queue_delay_seconds_count', { model: 'numeric', version: 'v1' })).toBeGreaterThan(0);
  });
});

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
    answers.forEach((a, i) => {
      const expected = classify(1, [i, -i / 3]);
      expect(a.data?.predict).toMatchObject({ modelVersion: 'v1', classId: expected.kind === 'numeric' ? expected.classId : -1 });
    });
    expect(Math.max(...answers.map((a) => a.data?.predict.batchSize ?? 0))).toBeGreaterThan(1);
  });
});

describe.each(INFERENCE_PROTOCOLS)('prediction subgraph when inference-grpc struggles, speaking %s', (protocol) => {
  it('falls back to the default version when the canary version cannot load', async () => {
    const stack = await startPredictionStack({ protocol, inferenceEnv: { SIMULATE_LOAD_FAILURE: 'sentiment:v2', CANARY: 'sentiment:v2:100' } });
    try {
      for (let i = 0; i < 2; i += 1) {
        const res = await predict(stack, { model: 'sentiment', text: `fallback ${i}` });
        expect(res.data?.predict).toMatchObject({ routing: 'FALLBACK', modelVersion: 'v1', canary: false });
      }
      expect((await predict(stack, { model: 'sentiment', version: 'v2', text: 'explicit' })).errors?.[0]?.extensions?.code).toBe('INFERENCE_UNAVAILABLE');
    } finally {
      await stack.close();
    }
  });

  it('answers INFERENCE_TIMEOUT near the deadline for simulate-timeout, while other predictions answer', async () => {
    // Both land in one batch (BATCH_MAX_DELAY_MS). ModelInfer is all or nothing, so under OIP the other answers
    // only because OIP_BATCH_TIMEOUT_MS gives the batch up and halves it; infergraph ignores that setting.
    const stack = await startPredictionStack({ protocol, predictionEnv: { INFERENCE_DEADLINE_MS: '500', BATCH_MAX_DELAY_MS: '100', OIP_BATCH_TIMEOUT_MS: '150' } });
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
          predict(stack, { model: 'numeric', features: [x], cache: 'BYPASS' }).then((r) => order.push(r.errors?.[0]?.extensions?.code ?? 'OK')),
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
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('process_') && !line.startsWith('nodejs_'));
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
