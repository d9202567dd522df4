import { createInferenceClient } from '../../../../../lib/grpc/client';
import { createLogger } from '../../../../../lib/logger';
import { startInference } from '../../../../../test/helpers/inference';
import { metricValue } from '../../../../../stack/prometheus';
import { startPredictionStack } from '../../../../../test/helpers/prediction';
import type { PredictionStack } from '../../../../../test/helpers/prediction';
import { until } from '../../../../../lib/until';
import { catalogContract } from '../catalog-contract';
import { registryCatalog } from './infergraph-backend';

const silent = createLogger('prediction-subgraph', 'silent');
const callTo = (address: string) => ({ address, service: 'inference-grpc', deadlineMs: 5000, logger: silent });

catalogContract('the WatchModels catalog (lib/grpc/registry-watch.ts)', {
  name: 'the model registry mirror',
  reading: async ({ canary }) => {
    const inference = await startInference(canary ? { CANARY: canary } : {});
    const catalog = registryCatalog(inference.client, callTo(inference.address));
    return {
      catalog,
      versions: inference.server.registry,
      close: async () => {
        await catalog.dispose();
        await inference.close();
      },
    };
  },
  unreachable: () => {
    // Nothing listens on port 1.
    const client = createInferenceClient('127.0.0.1:1');
    const catalog = registryCatalog(client, callTo('127.0.0.1:1'));
    return {
      catalog,
      close: async () => {
        await catalog.dispose();
        client.close();
      },
    };
  },
});

/** Registry streams the subgraph reopens while the test watches its /ready. */
const ROTATIONS = 3;

describe('the registry mirror across a connection rotation', () => {
  let stack: PredictionStack;

  beforeAll(async () => {
    // inference-grpc rotates every connection after 300 ms (+ 100 ms grace): the registry stream ends and is reopened.
    stack = await startPredictionStack({ inferenceEnv: { GRPC_MAX_CONNECTION_AGE_MS: '300', SHUTDOWN_GRACE_MS: '100' } });
  });

  afterAll(() => stack.close());

  it('keeps the subgraph ready and predicting while its registry stream is reopened', async () => {
    const watches = async (): Promise<number> =>
      metricValue(await stack.inference.server.metrics.metrics(), 'infergraph_registry_watches_total', {}) ?? 0;
    const ready = stack.subgraph.url.replace('/graphql', '/ready');
    const first = await watches();
    const statuses: number[] = [];
    // /ready is read between the checks, so every reconnection happens while it is being watched.
    await until(
      async () => {
        statuses.push((await fetch(ready)).status);
        return (await watches()) >= first + ROTATIONS;
      },
      `${ROTATIONS} registry streams reopened`,
      20_000,
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const answer = await stack.query<{ predict: { label: string } }>(
      'mutation { predict(input: { model: "sentiment", text: "good" }) { label } }',
    );
    expect(answer.data?.predict.label).toBe('POSITIVE');
  });
});
