import { metricValue } from '../../test/helpers/metrics';
import { startStack } from '../../test/helpers/stack';
import { until } from '../../test/helpers/wait';

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

describe('supergraph observability', () => {
  it('counts operations by name and outcome, times them and the subgraph fetches, and is ready only while every subgraph is', async () => {
    const stack = await startStack();
    const base = stack.supergraph.url.replace('/graphql', '');
    try {
      await stack.query('mutation Hello { predict(input: { model: "sentiment", text: "hi" }) { label model { defaultVersion } } }');
      await stack.query('mutation Broken { predict(input: { model: "numeric", text: "x" }) { label } }');
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(metricValue(text, 'infergraph_graphql_operations_total', { operation: 'Hello', outcome: 'OK' })).toBe(1);
      expect(metricValue(text, 'infergraph_graphql_operations_total', { operation: 'Broken', outcome: 'BAD_USER_INPUT' })).toBe(1);
      expect(metricValue(text, 'infergraph_graphql_operation_duration_seconds_count', { operation: 'Hello' })).toBe(1);
      expect(metricValue(text, 'infergraph_subgraph_fetch_duration_seconds_count', { subgraph: 'prediction', outcome: 'OK' })).toBeGreaterThanOrEqual(1);
      expect(metricValue(text, 'infergraph_subgraph_fetch_duration_seconds_count', { subgraph: 'models', outcome: 'OK' })).toBeGreaterThanOrEqual(1);

      // The supergraph checks its subgraphs every 2 s.
      await until(async () => (await status(`${base}/ready`)) === 200, 'the supergraph to be ready', 5000);
      await stack.models.close();
      await until(async () => (await status(`${base}/ready`)) === 503, 'the supergraph to be unready', 5000);
      expect(await status(`${base}/health`)).toBe(200);
    } finally {
      await stack.close();
    }
  });

  it('reports the models subgraph not ready while inference-grpc is down', async () => {
    const stack = await startStack();
    try {
      const ready = stack.models.url.replace('/graphql', '/ready');
      await until(async () => (await status(ready)) === 200, 'the models subgraph to be ready', 5000);
      await stack.prediction.inference.close();
      await until(async () => (await status(ready)) === 503, 'the models subgraph to be unready', 5000);
    } finally {
      await stack.close();
    }
  });
});
