import { Metadata, status } from '@grpc/grpc-js';
import type { ClientReadableStream } from '@grpc/grpc-js';

import { createInferenceClient } from '../../lib/grpc/client';
import type { ModelEvent__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import type { PredictResponse__Output } from '../../lib/grpc/generated/infergraph/inference/v1/PredictResponse';
import { unary } from '../../lib/grpc/unary';
import { healthClient } from '../../test/helpers/health';
import { failure } from '../../test/helpers/inference';
import { spawnService } from '../../stack/process';

describe('inference-grpc as a process', () => {
  it('on SIGTERM reports not ready, finishes in-flight work, refuses new calls and exits 0', async () => {
    const service = spawnService('inference-grpc/src/main.ts', { NUMERIC_LATENCY_MS: '800', SHUTDOWN_GRACE_MS: '5000' });
    try {
      const { port, metricsPort } = (await service.waitForLog('inference-grpc listening')) as { port: number; metricsPort: number };
      const client = createInferenceClient(`127.0.0.1:${port}`);
      const watch: ClientReadableStream<ModelEvent__Output> = client.WatchModels({});
      const events: ModelEvent__Output[] = [];
      const watchEnded = new Promise<void>((resolve) => watch.on('end', resolve).on('error', () => resolve()));
      const loaded = new Promise<void>((resolve) =>
        watch.on('data', (e: ModelEvent__Output) => {
          events.push(e);
          if (e.kind === 'VERSION_LOADED' && e.model?.name === 'numeric') resolve();
        }),
      );
      const inFlight = unary<PredictResponse__Output>((cb) =>
        client.Predict({ model: 'numeric', input: { features: { values: [1, 2] } } }, new Metadata(), { deadline: Date.now() + 5000 }, cb),
      );
      await loaded;
      service.child.kill('SIGTERM');
      await service.waitForLog('draining');
      expect((await fetch(`http://127.0.0.1:${metricsPort}/ready`)).status).toBe(503);
      const health = healthClient(`127.0.0.1:${port}`);
      await expect(health.check('infergraph.inference.v1.ModelInference')).resolves.toBe('NOT_SERVING');
      health.close();

      const late = await failure(
        unary((cb) =>
          client.Predict({ model: 'numeric', input: { features: { values: [3] } } }, new Metadata(), { deadline: Date.now() + 3000 }, cb),
        ),
      );
      expect(late.grpc).toBe(status.UNAVAILABLE);
      await expect(inFlight).resolves.toMatchObject({ prediction: { model: 'numeric', modelVersion: 'v1' } });
      await watchEnded;
      expect(await service.exited).toBe(0);
      expect(service.lines.find((l) => l.msg === 'stopped')).toMatchObject({ why: expect.not.stringContaining('grace') });
      client.close();
    } finally {
      service.kill();
    }
  });

  it("logs each call with the caller's x-request-id", async () => {
    const service = spawnService('inference-grpc/src/main.ts', { LOG_LEVEL: 'debug' });
    try {
      const { port } = (await service.waitForLog('inference-grpc listening')) as { port: number };
      const client = createInferenceClient(`127.0.0.1:${port}`);
      const metadata = new Metadata();
      metadata.set('x-request-id', 'req-from-test-42');
      await failure(unary((cb) => client.Predict({ model: 'nope' }, metadata, cb)));
      const line = await service.waitForLog('failed');
      expect(line).toMatchObject({ requestId: 'req-from-test-42', method: 'Predict', service: 'inference-grpc', level: 'info' });
      client.close();
    } finally {
      service.kill();
    }
  });

  it('refuses to start on bad configuration, naming the variable and what is allowed', async () => {
    const service = spawnService('inference-grpc/src/main.ts', { CANARY: 'sentiment:v2:150' });
    expect(await service.exited).toBe(2);
    expect(service.stderr).toContain(
      'CANARY="sentiment:v2:150": "sentiment:v2:150" is malformed; expected a comma-separated list of model:version:percent with percent from 1 to 100',
    );
  });
});
