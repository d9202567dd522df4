import type { ModelInfo__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import { unary } from '../../../lib/grpc/unary';
import { liveSubscription, wsClient } from '../../../stack/graphql-client';
import { metricValue } from '../../../stack/prometheus';
import { until } from '../../../lib/until';
import {
  BATCH_METHOD,
  INFERENCE_PROTOCOLS,
  PREDICTION_FIELDS,
  inferenceMetric,
  predict,
  predictBatch,
  startPredictionStack,
} from '../../../test/helpers/prediction';
import type { InferenceProtocol, PredictionData, PredictionStack } from '../../../test/helpers/prediction';

async function setPolicy(
  stack: PredictionStack,
  request: Parameters<PredictionStack['inference']['client']['SetTrafficPolicy']>[0],
): Promise<void> {
  const info = await unary<ModelInfo__Output>((cb) => stack.inference.client.SetTrafficPolicy(request, cb));
  // The subgraph learns the policy from its WatchModels stream.
  await until(
    () => JSON.stringify(stack.subgraph.catalog.get(info.name)?.canary) === JSON.stringify(info.canary),
    'the subgraph to see the policy change',
    3000,
  );
}

const MAIN_STACK_ENV = { MAX_BATCH_ITEMS: '200' };

/**
 * Runs `check` with a 25% v2 canary on sentiment: set at run time through the
 * registry (SetTrafficPolicy, seen over WatchModels) for the infergraph
 * protocol; OIP has no registry RPCs, so there the subgraph is started with it configured.
 */
async function withSentimentCanary(
  stack: PredictionStack,
  protocol: InferenceProtocol,
  check: (s: PredictionStack) => Promise<void>,
): Promise<void> {
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
    expect(second.data?.predict).toMatchObject({
      cache: 'HIT',
      batchSize: 0,
      label: 'POSITIVE',
      score: first.data?.predict.score,
      modelVersion: 'v1',
    });
  });

  it('sends the request id of every operation in a batch to inference-grpc in gRPC metadata', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `req-traced-${i}-${'x'.repeat(30)}`);
    await Promise.all(
      ids.map((id, i) => predict(stack, { model: 'sentiment', text: `request id check ${i}`, cache: 'BYPASS' }, { 'x-request-id': id })),
    );
    const logged = new Set(
      stack.inference.logs.filter((l) => l.method === BATCH_METHOD[protocol]).flatMap((l) => String(l.requestId).split(',')),
    );
    expect(ids.filter((id) => !logged.has(id))).toEqual([]);
  });

  it('keys the cache by version and canonical input: never a hit across versions, 1 and 1.0 are one number, NFC text is one text', async () => {
    const q = (literal: string, version: string) =>
      stack.query<{ predict: PredictionData }>(
        `mutation { predict(input: { model: "numeric", version: "${version}", features: ${literal} }) { ${PREDICTION_FIELDS} } }`,
      );
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
    expect(items.map((i) => i.__typename)).toEqual([
      'Prediction',
      'PredictionError',
      'PredictionError',
      'PredictionError',
      'PredictionError',
      'Prediction',
    ]);
    expect(items[1]).toMatchObject({ index: 1, code: 'BAD_USER_INPUT', message: 'model numeric takes features, not text' });
    expect(items[2]).toMatchObject({ index: 2, code: 'BAD_USER_INPUT', message: 'give either text or features, not both' });
    expect(items[3]).toMatchObject({ index: 3, code: 'MODEL_NOT_FOUND' });
    expect(items[4]).toMatchObject({
      index: 4,
      code: 'MODEL_VERSION_NOT_FOUND',
      message: 'model numeric has no version "v9"; versions are v1, v2',
    });
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
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringContaining('features is empty'),
      path: ['predict'],
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect((await predict(stack, { model: 'sentiment' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('splits traffic to the canary within 5 points of its percent, and keeps a routing key on one version', async () => {
    await withSentimentCanary(stack, protocol, async (stack) => {
      let canary = 0;
      for (let round = 0; round < 10; round += 1) {
        const res = await predictBatch(
          stack,
          Array.from({ length: 200 }, (_, i) => ({ model: 'sentiment', text: `split ${round}-${i}`, cache: 'BYPASS' })),
        );
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
    expect(
      metricValue(text, 'infergraph_predictions_total', { model: 'sentiment', version: 'v1', routing: 'DEFAULT', cache: 'HIT' }),
    ).toBeGreaterThan(0);
    expect(metricValue(text, 'infergraph_prediction_cache_lookups_total', { result: 'hit' })).toBeGreaterThan(0);
    expect(metricValue(text, 'infergraph_predict_batch_size_count', { model: 'numeric', version: 'v1' })).toBeGreaterThan(0);
    expect(metricValue(text, 'infergraph_predict_queue_delay_seconds_count', { model: 'numeric', version: 'v1' })).toBeGreaterThan(0);
  });
});
