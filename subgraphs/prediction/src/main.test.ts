import type { ClientReadableStream } from '@grpc/grpc-js';

import { createInferenceClient } from '../../../lib/grpc/client';
import type { ModelEvent__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import { graphql } from '../../../stack/graphql-client';
import { spawnService } from '../../../stack/process';
import { until } from '../../../lib/until';

describe('prediction subgraph as a process', () => {
  it('carries the request id from the HTTP header to its own log and to the inference-grpc log, and exits 0 on Ctrl-C, answering what is in flight', async () => {
    // A numeric batch takes 1.5 s: long enough to stop the subgraph while one runs.
    const inference = spawnService('inference-grpc/src/main.ts', { LOG_LEVEL: 'debug', NUMERIC_LATENCY_MS: '1500' });
    try {
      const { port: grpcPort } = (await inference.waitForLog('inference-grpc listening')) as { port: number };
      const prediction = spawnService('subgraphs/prediction/src/main.ts', { LOG_LEVEL: 'debug', INFERENCE_URL: `127.0.0.1:${grpcPort}` });
      try {
        const { port } = (await prediction.waitForLog('prediction subgraph listening')) as { port: number };
        const url = `http://127.0.0.1:${port}/graphql`;
        // Listening is not ready: the model catalog syncs first (unknown models answer INFERENCE_UNAVAILABLE until then).
        await until(async () => (await fetch(url.replace('/graphql', '/ready'))).status === 200, 'the subgraph to be ready', 10_000);
        const res = await graphql<{ predict: { id: string } }>(
          url,
          'mutation Hello { predict(input: { model: "sentiment", text: "hello there", cache: BYPASS }) { id } }',
          {},
          { 'x-request-id': 'req-end-to-end-1' },
        );
        expect(res.data?.predict.id).toBe('req-end-to-end-1:0');
        expect(await prediction.waitForLog('operation answered')).toMatchObject({
          requestId: 'req-end-to-end-1',
          operationName: 'Hello',
          errors: [],
        });
        // inference-grpc logs the call after answering it: its line may arrive after the answer.
        await until(
          () =>
            inference.lines.some((l) => l.method === 'PredictBatchStream' && String(l.requestId).split(',').includes('req-end-to-end-1')),
          'the request id in the inference-grpc log',
          5000,
        );

        // Ctrl-C under `npm start`: SIGINT from the terminal, then SIGTERM from the start script,
        // while a prediction is in flight: numeric v1 loads for it (on first use), then its batch runs.
        const registry = createInferenceClient(`127.0.0.1:${grpcPort}`);
        const watch: ClientReadableStream<ModelEvent__Output> = registry.WatchModels({});
        const kinds: string[] = [];
        watch.on('data', (e: ModelEvent__Output) => kinds.push(`${e.kind} ${e.model?.name ?? ''}`));
        watch.on('error', () => undefined);
        // The stream is up once its snapshot has come: a load from now on is seen.
        await until(() => kinds.includes('SNAPSHOT numeric'), 'the registry snapshot', 5000);
        const loaded = until(() => kinds.includes('VERSION_LOADED numeric'), 'numeric v1 to load for the prediction', 10_000);
        let answered = false;
        const inFlight = graphql<{ predict: { id: string } }>(
          url,
          'mutation { predict(input: { model: "numeric", features: [1], cache: BYPASS }) { id } }',
        ).finally(() => (answered = true));
        await loaded;
        watch.cancel();
        registry.close();
        expect(answered).toBe(false);
        prediction.child.kill('SIGINT');
        prediction.child.kill('SIGTERM');
        expect((await inFlight).data?.predict.id).toMatch(/:0$/);
        expect(await prediction.exited).toBe(0);
      } finally {
        prediction.kill();
      }
    } finally {
      inference.kill();
      await inference.exited;
    }
  });

  it('speaks the Open Inference Protocol to inference-grpc when INFERENCE_PROTOCOL=oip', async () => {
    const inference = spawnService('inference-grpc/src/main.ts', { LOG_LEVEL: 'debug' });
    try {
      const { port: grpcPort } = (await inference.waitForLog('inference-grpc listening')) as { port: number };
      const prediction = spawnService('subgraphs/prediction/src/main.ts', {
        INFERENCE_URL: `127.0.0.1:${grpcPort}`,
        INFERENCE_PROTOCOL: 'oip',
      });
      try {
        const listening = await prediction.waitForLog('prediction subgraph listening');
        expect(listening).toMatchObject({ protocol: 'oip' });
        const url = `http://127.0.0.1:${String(listening.port)}/graphql`;
        // Listening is not ready: the model catalog syncs first (unknown models answer INFERENCE_UNAVAILABLE until then).
        await until(async () => (await fetch(url.replace('/graphql', '/ready'))).status === 200, 'the subgraph to be ready', 10_000);
        const res = await graphql<{ predict: { modelVersion: string; label: string } }>(
          url,
          'mutation { predict(input: { model: "sentiment", version: "v2", text: "what a great day", cache: BYPASS }) { modelVersion label } }',
          {},
          { 'x-request-id': 'req-oip-1' },
        );
        expect(res.data?.predict).toEqual({ modelVersion: 'v2', label: 'POSITIVE' });
        // inference-grpc logs the call after answering it: its line may arrive after the answer.
        await until(
          () => inference.lines.some((l) => l.method === 'ModelInfer' && String(l.requestId).split(',').includes('req-oip-1')),
          'the request id in the inference-grpc log',
          5000,
        );
      } finally {
        prediction.kill();
        await prediction.exited;
      }
    } finally {
      inference.kill();
      await inference.exited;
    }
  });
});
