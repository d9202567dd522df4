import { startPredictionStack } from '../../../test/helpers/prediction';
import type { PredictionStack } from '../../../test/helpers/prediction';

describe('the registry mirror across a connection rotation', () => {
  let stack: PredictionStack;

  beforeAll(async () => {
    // inference-grpc rotates every connection after 300 ms (+ 100 ms grace): the registry stream ends and is reopened.
    stack = await startPredictionStack({ inferenceEnv: { GRPC_MAX_CONNECTION_AGE_MS: '300', SHUTDOWN_GRACE_MS: '100' } });
  });

  afterAll(() => stack.close());

  it('keeps the subgraph ready and predicting while its registry stream is reopened', async () => {
    const ready = stack.subgraph.url.replace('/graphql', '/ready');
    const statuses: number[] = [];
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      statuses.push((await fetch(ready)).status);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const answer = await stack.query<{ predict: { label: string } }>('mutation { predict(input: { model: "sentiment", text: "good" }) { label } }');
    expect(answer.data?.predict.label).toBe('POSITIVE');
  });
});
