import { metricValue } from '../../stack/prometheus';
import { startStack } from '../../test/helpers/stack';
import { until } from '../../lib/until';

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
      const text = await (await fetch(stack.metricsUrl('supergraph'))).text();
      // Only on METRICS_PORT, not on the public API port.
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      expect(metricValue(text, 'infergraph_graphql_operations_total', { operation: 'Hello', outcome: 'OK' })).toBe(1);
      expect(metricValue(text, 'infergraph_graphql_operations_total', { operation: 'Broken', outcome: 'BAD_USER_INPUT' })).toBe(1);
      expect(metricValue(text, 'infergraph_graphql_operation_duration_seconds_count', { operation: 'Hello' })).toBe(1);
      expect(
        metricValue(text, 'infergraph_subgraph_fetch_duration_seconds_count', { subgraph: 'prediction', outcome: 'OK' }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        metricValue(text, 'infergraph_subgraph_fetch_duration_seconds_count', { subgraph: 'models', outcome: 'OK' }),
      ).toBeGreaterThanOrEqual(1);

      // The supergraph checks its subgraphs every 2 s.
      await until(async () => (await status(`${base}/ready`)) === 200, 'the supergraph to be ready', 5000);
      await stack.models.close();
      await until(async () => (await status(`${base}/ready`)) === 503, 'the supergraph to be unready', 5000);
      expect(await status(`${base}/health`)).toBe(200);
    } finally {
      await stack.close();
    }
  });

  it('reports the models subgraph not ready once inference-grpc has been down past CATALOG_MAX_STALENESS_MS', async () => {
    const stack = await startStack({ modelsEnv: { CATALOG_MAX_STALENESS_MS: '300' } });
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

describe('operation-name labels', () => {
  const KEY = 'metrics-test-key-0123456789';
  const auth = { 'x-api-key': KEY };
  const named = (name: string): string => `query ${name} { models { name } }`;
  const operationsOf = (text: string): Set<string> =>
    new Set([...text.matchAll(/^infergraph_graphql_operations_total\{[^}]*operation="([^"]*)"/gm)].map((m) => m[1] ?? ''));

  it('counts callers who did not authenticate, or whose operation did not validate, as "unknown", and caps the names at METRICS_MAX_OPERATION_NAMES', async () => {
    const stack = await startStack({
      supergraphEnv: { API_KEYS: `tester=${KEY}:reader`, METRICS_MAX_OPERATION_NAMES: '2', RATE_LIMIT_PER_MINUTE: '0' },
    });
    try {
      for (let i = 0; i < 50; i += 1) await stack.query(named(`Stranger${i}`));
      await stack.query('query NotValid { nothingHere }', undefined, auth);
      for (const name of ['First', 'Second', 'Third', 'Fourth'])
        expect((await stack.query(named(name), undefined, auth)).errors).toBeUndefined();
      await stack.query('{ models { name } }', undefined, auth);
      const text = await (await fetch(stack.metricsUrl('supergraph'))).text();
      expect(operationsOf(text)).toEqual(new Set(['unknown', 'First', 'Second', 'other']));
      expect(metricValue(text, 'infergraph_graphql_operations_total', { operation: 'unknown', outcome: 'UNAUTHENTICATED' })).toBe(50);
      expect(metricValue(text, 'infergraph_graphql_operations_total', { operation: 'unknown', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(
        1,
      );
      expect(metricValue(text, 'infergraph_graphql_operations_total', { operation: 'other', outcome: 'OK' })).toBe(3);
    } finally {
      await stack.close();
    }
  });

  it('counts only the names METRICS_OPERATION_NAMES lists when it is set', async () => {
    const stack = await startStack({ supergraphEnv: { METRICS_OPERATION_NAMES: 'Listed, AlsoListed', RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      for (const name of ['Listed', 'NotListed', 'AlsoListed', 'Whatever']) await stack.query(named(name));
      const text = await (await fetch(stack.metricsUrl('supergraph'))).text();
      expect(operationsOf(text)).toEqual(new Set(['Listed', 'AlsoListed', 'other']));
    } finally {
      await stack.close();
    }
  });
});
