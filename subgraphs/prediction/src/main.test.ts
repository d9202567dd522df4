import { graphql } from '../../../test/helpers/graphql';
import { spawnService } from '../../../test/helpers/process';

describe('prediction subgraph as a process', () => {
  it('carries the request id from the HTTP header to its own log and to the inference-grpc log, and exits 0 on Ctrl-C, answering what is in flight', async () => {
    const inference = spawnService('inference-grpc/src/main.ts', { LOG_LEVEL: 'debug' });
    try {
      const { port: grpcPort } = (await inference.waitForLog('inference-grpc listening')) as { port: number };
      const prediction = spawnService('subgraphs/prediction/src/main.ts', { LOG_LEVEL: 'debug', INFERENCE_URL: `127.0.0.1:${grpcPort}` });
      try {
        const { port } = (await prediction.waitForLog('prediction subgraph listening')) as { port: number };
        const url = `http://127.0.0.1:${port}/graphql`;
        const res = await graphql<{ predict: { id: string } }>(
          url,
          'mutation Hello { predict(input: { model: "sentiment", text: "hello there", cache: BYPASS }) { id } }',
          {},
          { 'x-request-id': 'req-end-to-end-1' },
        );
        expect(res.data?.predict.id).toBe('req-end-to-end-1:0');
        expect(await prediction.waitForLog('operation answered')).toMatchObject({ requestId: 'req-end-to-end-1', operationName: 'Hello', errors: [] });
        const inferenceLine = inference.lines.find((l) => l.method === 'PredictBatchStream' && String(l.requestId).split(',').includes('req-end-to-end-1'));
        expect(inferenceLine).toBeDefined();

        // Ctrl-C under `npm start`: SIGINT from the terminal, then SIGTERM from the start script,
        // while a prediction is in flight (a numeric batch takes 500 ms).
        const inFlight = graphql<{ predict: { id: string } }>(url, 'mutation { predict(input: { model: "numeric", features: [1], cache: BYPASS }) { id } }');
        await new Promise((r) => setTimeout(r, 100));
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
      const prediction = spawnService('subgraphs/prediction/src/main.ts', { INFERENCE_URL: `127.0.0.1:${grpcPort}`, INFERENCE_PROTOCOL: 'oip' });
      try {
        const listening = await prediction.waitForLog('prediction subgraph listening');
        expect(listening).toMatchObject({ protocol: 'oip' });
        const url = `http://127.0.0.1:${String(listening.port)}/graphql`;
        const res = await graphql<{ predict: { modelVersion: string; label: string } }>(
          url,
          'mutation { predict(input: { model: "sentiment", version: "v2", text: "what a great day", cache: BYPASS }) { modelVersion label } }',
          {},
          { 'x-request-id': 'req-oip-1' },
        );
        expect(res.data?.predict).toEqual({ modelVersion: 'v2', label: 'POSITIVE' });
        // inference-grpc logs the call after answering it: its line may arrive after the answer.
        const logged = (): boolean => inference.lines.some((l) => l.method === 'ModelInfer' && String(l.requestId).split(',').includes('req-oip-1'));
        for (let waited = 0; !logged() && waited < 2000; waited += 20) await new Promise((r) => setTimeout(r, 20));
        expect(logged()).toBe(true);
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
