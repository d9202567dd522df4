/**
 * Per-version statistics through the supergraph: `models { versions { stats } }` joins the models subgraph's versions
 * with the prediction subgraph's stats (the model server's figures and its own cache hit ratio), and moves as
 * predictions flow, through the response cache.
 */
import { metricValue } from '../stack/prometheus';
import { until } from '../lib/until';
import { INFERENCE_PROTOCOLS } from './helpers/prediction';
import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';

interface Stats {
  requests: number;
  failures: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  meanBatchSize: number | null;
  cacheHitRatio: number | null;
  since: string;
}
interface ModelsData {
  models: { name: string; versions: { model: string; version: string; stats: Stats | null }[] }[];
}

const STATS =
  '{ models { name versions { model version stats { requests failures latencyP50Ms latencyP99Ms meanBatchSize cacheHitRatio since } } } }';
const MODELS = '{ models { name versions { version } } }';
const PREDICT = `mutation ($input: PredictInput!) { predict(input: $input) { modelVersion cache } }`;

describe.each(INFERENCE_PROTOCOLS)('version statistics in the graph, the prediction subgraph speaking %s', (protocol) => {
  let stack: Stack;
  beforeAll(async () => {
    // Every version loaded at start: a load during the test would be a registry change, which empties the response cache.
    stack = await startStack({ protocol, inferenceEnv: { LOAD_ALL_MODELS: 'true' } });
  });
  afterAll(() => stack.close());

  const stats = async (): Promise<Map<string, Stats | null>> => {
    const res = await stack.query<ModelsData>(STATS);
    expect(res.errors).toBeUndefined();
    return new Map((res.data?.models ?? []).flatMap((m) => m.versions.map((v) => [`${v.model}:${v.version}`, v.stats] as const)));
  };
  const supergraphMetric = async (name: string, labels: Record<string, string>): Promise<number> =>
    metricValue(await (await fetch(stack.metricsUrl('supergraph'))).text(), name, labels) ?? 0;
  const statisticsCalls = async (): Promise<number> =>
    metricValue(await (await fetch(stack.metricsUrl('inference'))).text(), 'infergraph_inference_rpcs_total', {
      method: 'ModelStatistics',
      code: 'OK',
    }) ?? 0;

  it('shows every version with its model name, its stats read in one call for all of them', async () => {
    const calls = await statisticsCalls();
    const before = await stats();
    expect([...before.keys()]).toEqual(['sentiment:v1', 'sentiment:v2', 'sentiment:v3', 'numeric:v1', 'numeric:v2']);
    for (const s of before.values())
      expect(s).toMatchObject({ failures: 0, cacheHitRatio: null, since: expect.stringMatching(/Z$/) as string });
    // Five versions, one ModelStatistics call (the OIP backend calls Triton's, which the RPC metric counts alike).
    expect((await statisticsCalls()) - calls).toBe(1);
  });

  it('moves as predictions flow, past the response cache: one MISS and one HIT make a ratio of 0.5', async () => {
    // The response cache is current (a plain models read is answered from it), so it would serve a stale read if stats were cacheable.
    await until(
      async () => {
        const hits = await supergraphMetric('infergraph_response_cache_total', { outcome: 'hit' });
        await stack.query(MODELS);
        return (await supergraphMetric('infergraph_response_cache_total', { outcome: 'hit' })) > hits;
      },
      'a models read answered from the response cache',
      10_000,
    );
    const before = (await stats()).get('sentiment:v2');
    const input = { model: 'sentiment', version: 'v2', text: `stats move (${protocol})` };
    const first = await stack.query<{ predict: { cache: string } }>(PREDICT, { input });
    const second = await stack.query<{ predict: { cache: string } }>(PREDICT, { input });
    expect([first.data?.predict.cache, second.data?.predict.cache]).toEqual(['MISS', 'HIT']);

    const after = await stats();
    const v2 = after.get('sentiment:v2');
    // The hit never reached the model server.
    expect((v2?.requests ?? 0) - (before?.requests ?? 0)).toBe(1);
    expect(v2).toMatchObject({ failures: 0, meanBatchSize: 1, cacheHitRatio: 0.5 });
    if (protocol === 'infergraph') {
      expect(v2?.latencyP50Ms).toBeGreaterThan(0);
      expect(v2?.latencyP99Ms).toBeGreaterThanOrEqual(v2?.latencyP50Ms ?? Infinity);
    } else {
      // Triton's statistics carry no quantiles.
      expect(v2).toMatchObject({ latencyP50Ms: null, latencyP99Ms: null });
    }
    expect(after.get('sentiment:v1')).toMatchObject({ requests: 0, cacheHitRatio: null });
  });
});
