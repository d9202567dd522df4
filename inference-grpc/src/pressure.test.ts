/** inference-grpc under load and over time: a full queue, queued work past its deadline, connections reaching their age. */
import { status } from '@grpc/grpc-js';
import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';

import type { ModelEvent__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import { failure, startInference } from '../../test/helpers/inference';
import type { InferenceFixture } from '../../test/helpers/inference';
import { metricValue } from '../../stack/prometheus';
import { until } from '../../lib/until';
import { features, metricsText } from './server.test-helpers';

describe('inference-grpc under pressure', () => {
  let f: InferenceFixture;
  beforeAll(async () => {
    f = await startInference({ BATCH_MAX_SIZE: '1', BATCH_MAX_QUEUE: '2', NUMERIC_LATENCY_MS: '300', BATCH_MAX_DELAY_MS: '0' });
  });
  afterAll(() => f.close());

  it('answers RESOURCE_EXHAUSTED / OVERLOADED at once when the queue is full, and serves the rest', async () => {
    const order: string[] = [];
    const calls = [1, 2, 3, 4].map((x) =>
      f.predict('numeric', features([x])).then(
        () => order.push(`ok${x}`),
        (err: ServiceError) => order.push(err.code === status.RESOURCE_EXHAUSTED ? `overloaded${x}` : `other${x}`),
      ),
    );
    await Promise.all(calls);
    // One runs, two wait, the fourth is refused before any answer comes back.
    expect(order).toEqual(['overloaded4', 'ok1', 'ok2', 'ok3']);
  });

  it('drops queued work whose deadline passed: it never runs', async () => {
    const batchesBefore = batchCount(await metricsText(f));
    const first = f.predict('numeric', features([1]), { deadlineMs: 5000 });
    const late = failure(f.predict('numeric', features([2]), { deadlineMs: 100 }));
    expect((await late).grpc).toBe(status.DEADLINE_EXCEEDED);
    await first;
    // Dropped where it would have run: once counted, no batch can run it any more.
    const droppedOf = (text: string): number[] =>
      ['cancelled', 'deadline'].map((reason) => metricValue(text, 'infergraph_inference_dropped_total', { model: 'numeric', reason }) ?? 0);
    await until(async () => droppedOf(await metricsText(f)).some((n) => n > 0), 'the late input to be dropped', 5000);
    const text = await metricsText(f);
    expect(batchCount(text) - batchesBefore).toBe(1);
    const dropped = droppedOf(text);
    expect(dropped).toContain(1);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(1);
  });
});

function batchCount(metrics: string): number {
  return metricValue(metrics, 'infergraph_inference_batch_size_count', { model: 'numeric', version: 'v1' }) ?? 0;
}

describe('GRPC_MAX_CONNECTION_AGE_MS', () => {
  it('asks a connection to reconnect at its age: a long stream on it ends after the grace, new calls answer on a fresh connection', async () => {
    const f = await startInference({ GRPC_MAX_CONNECTION_AGE_MS: '300', SHUTDOWN_GRACE_MS: '200' });
    try {
      const stream: ClientReadableStream<ModelEvent__Output> = f.client.WatchModels({});
      stream.on('data', () => undefined);
      const started = Date.now();
      const ended = await new Promise<number>((resolve) => {
        stream.on('error', () => resolve(Date.now() - started));
        stream.on('end', () => resolve(Date.now() - started));
      });
      // Age plus grace (plus grpc-js's jitter of up to 10% on the age); well before a test timeout.
      expect(ended).toBeGreaterThanOrEqual(400);
      expect(ended).toBeLessThan(5000);
      expect((await f.predict('sentiment', { text: 'still here' })).prediction?.sentiment?.label).toBe('NEUTRAL');
    } finally {
      await f.close();
    }
  });
});
