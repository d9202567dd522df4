/**
 * Loading and unloading versions through the supergraph (admin role), over the
 * whole stack on a copy of the model repository, while predictions flow on the
 * default versions: none fails, and the next `models` read, response cache on,
 * shows the state each mutation produced. The prediction cache answers for a
 * version's current load only.
 */
import { until } from '../lib/until';
import { graphql } from '../stack/graphql-client';
import type { GraphQLResponse } from '../stack/graphql-client';
import { metricValue } from '../stack/prometheus';
import { copyRepository } from './helpers/model-repository';
import type { RepositoryCopy } from './helpers/model-repository';
import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';

const KEYS = { admin: 'admin-key-0123456789abc', app: 'predictor-key-0123456789' };
const API_KEYS = `ops=${KEYS.admin}:admin+reader,app=${KEYS.app}:predictor`;
const MODELS = '{ models { name defaultVersion versions { version state loaded unloaded } } }';
const LOAD =
  'mutation ($model: String!, $version: String!) { loadModelVersion(model: $model, version: $version) { name versions { version state loaded unloaded } } }';
const UNLOAD =
  'mutation ($model: String!, $version: String!) { unloadModelVersion(model: $model, version: $version) { name versions { version state loaded unloaded } } }';
const PREDICT = 'mutation ($input: PredictInput!) { predict(input: $input) { modelVersion } }';
const PREDICT_CACHED = 'mutation ($input: PredictInput!) { predict(input: $input) { modelVersion cache } }';
/** Predictions the flow sends at least, spread over the loads and unloads. */
const MIN_PREDICTIONS = 200;
/** Predictions sent before each load or unload starts. */
const PER_STEP = 30;

interface ModelsData {
  models: { name: string; defaultVersion: string; versions: { version: string; state: string; loaded: boolean; unloaded: boolean }[] }[];
}
type VersionsData = { versions: { version: string; state: string; loaded: boolean; unloaded: boolean }[] };

const versionIn = (data: ModelsData | null | undefined, model: string, version: string) =>
  data?.models.find((m) => m.name === model)?.versions.find((v) => v.version === version);

describe('loadModelVersion and unloadModelVersion through the supergraph', () => {
  let repo: RepositoryCopy;
  let stack: Stack;
  const admin = <D>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<D>> =>
    graphql<D>(stack.supergraph.url, query, variables, { 'x-api-key': KEYS.admin });
  const cacheHits = async (): Promise<number> =>
    metricValue(await (await fetch(stack.metricsUrl('supergraph'))).text(), 'infergraph_response_cache_total', { outcome: 'hit' }) ?? 0;

  beforeAll(async () => {
    repo = copyRepository();
    repo.addVersion('numeric', 'v3', 'v2', '{ "seed": 3 }\n');
    stack = await startStack({
      inferenceEnv: { MODEL_REPOSITORY: repo.root },
      supergraphEnv: { API_KEYS, RATE_LIMIT_PER_MINUTE: '0', RESPONSE_CACHE: 'true' },
    });
  });
  afterAll(async () => {
    await stack.close();
    repo.remove();
  });

  it('loads, unloads and reloads versions while predictions flow on the default versions: none fails, and each read shows the new state', async () => {
    // The cache answers a repeated read (it is on), so only its invalidation can make the reads below current.
    const before = await admin<ModelsData>(MODELS);
    // Not loaded yet, which is not unloaded on purpose.
    expect(versionIn(before.data, 'numeric', 'v3')).toMatchObject({ state: 'UNLOADED', unloaded: false });
    const hits = await cacheHits();
    // The cache serves once its invalidation feed (the models subgraph's modelChanged) is open and settled.
    await until(
      async () => {
        await admin<ModelsData>(MODELS);
        return (await cacheHits()) > hits;
      },
      'the response cache to answer a repeated models read',
      10_000,
    );

    let stop = false;
    let sent = 0;
    const failures: unknown[] = [];
    const flow = async (model: string, input: Record<string, unknown>): Promise<void> => {
      while (!stop || sent < MIN_PREDICTIONS) {
        sent += 1;
        const res = await graphql<{ predict: { modelVersion: string } }>(
          stack.supergraph.url,
          PREDICT,
          { input: { model, ...input, cache: 'BYPASS' } },
          { 'x-api-key': KEYS.app },
        );
        if (res.errors || res.data?.predict.modelVersion !== 'v1') failures.push(res.errors ?? res.data);
      }
    };
    const flows = [
      flow('numeric', { features: [1, 2, 3] }),
      flow('numeric', { features: [3, 2, 1] }),
      flow('sentiment', { text: 'a fine day' }),
      flow('sentiment', { text: 'a dreadful day' }),
    ];

    const sentAtStart = sent;
    const steps: [string, string, string, string][] = [
      [LOAD, 'numeric', 'v3', 'LOADED'],
      [UNLOAD, 'numeric', 'v3', 'UNLOADED'],
      [LOAD, 'numeric', 'v2', 'LOADED'],
      [UNLOAD, 'numeric', 'v2', 'UNLOADED'],
      [LOAD, 'sentiment', 'v3', 'LOADED'],
      [UNLOAD, 'sentiment', 'v3', 'UNLOADED'],
      [LOAD, 'numeric', 'v3', 'LOADED'],
      // Reloads of the versions the flow is on: the new one takes over once warm, the old one drains.
      [LOAD, 'numeric', 'v1', 'LOADED'],
      [LOAD, 'sentiment', 'v1', 'LOADED'],
    ];
    for (const [mutation, model, version, state] of steps) {
      // Predictions keep flowing between the changes too, so they are spread over all of them.
      const mark = sent;
      await until(() => sent >= mark + PER_STEP, `${PER_STEP} more predictions`, 10_000);
      const field = mutation === LOAD ? 'loadModelVersion' : 'unloadModelVersion';
      const changed = await admin<Record<string, VersionsData>>(mutation, { model, version });
      expect(changed.errors).toBeUndefined();
      const unloaded = mutation === UNLOAD;
      expect(changed.data?.[field]?.versions.find((v) => v.version === version)).toMatchObject({ state, unloaded });
      const read = await admin<ModelsData>(MODELS);
      expect(versionIn(read.data, model, version)).toMatchObject({ state, unloaded });
    }
    const sentDuring = sent - sentAtStart;
    stop = true;
    await Promise.all(flows);

    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(MIN_PREDICTIONS);
    // Spread over the changes, not only after them.
    expect(sentDuring).toBeGreaterThanOrEqual(steps.length * PER_STEP);

    const v3 = await graphql<{ predict: { modelVersion: string } }>(
      stack.supergraph.url,
      PREDICT,
      { input: { model: 'numeric', version: 'v3', features: [1] } },
      { 'x-api-key': KEYS.app },
    );
    expect(v3.data?.predict.modelVersion).toBe('v3');
    const v2 = await graphql(
      stack.supergraph.url,
      PREDICT,
      { input: { model: 'numeric', version: 'v2', features: [1] } },
      { 'x-api-key': KEYS.app },
    );
    expect(v2.errors?.[0]).toMatchObject({
      message: 'numeric:v2 is unloaded; load it with loadModelVersion',
      extensions: { code: 'INFERENCE_UNAVAILABLE' },
    });
  });

  it('refuses to unload the default version with MODEL_VERSION_IN_USE, and refuses callers without the admin role', async () => {
    const refused = await admin(UNLOAD, { model: 'numeric', version: 'v1' });
    expect(refused.errors?.[0]).toMatchObject({
      message: 'numeric:v1 is the default version and cannot be unloaded; make another version the default version first',
      extensions: { code: 'MODEL_VERSION_IN_USE' },
    });
    const forbidden = await graphql(stack.supergraph.url, LOAD, { model: 'numeric', version: 'v2' }, { 'x-api-key': KEYS.app });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(versionIn((await admin<ModelsData>(MODELS)).data, 'numeric', 'v2')).toMatchObject({ state: 'UNLOADED', unloaded: true });
  });

  it('never answers an unloaded version from the prediction cache, and starts a loaded or reloaded one afresh', async () => {
    const input = { model: 'numeric', version: 'v2', features: [4, 2] };
    const cacheOf = async (): Promise<string | undefined> => {
      const res = await graphql<{ predict: { modelVersion: string; cache: string } }>(
        stack.supergraph.url,
        PREDICT_CACHED,
        { input },
        { 'x-api-key': KEYS.app },
      );
      expect(res.errors).toBeUndefined();
      return res.data?.predict.cache;
    };
    // The prediction subgraph's own copy of the registry, which its cache goes by: it hears of a change over WatchModels.
    const loadedAt = (): string | null =>
      stack.prediction.subgraph.catalog.get('numeric')?.versions.find((v) => v.version === 'v2')?.loadedAt ?? null;
    const change = async (mutation: string, heard: (at: string | null) => boolean, what: string): Promise<void> => {
      expect((await admin(mutation, { model: 'numeric', version: 'v2' })).errors).toBeUndefined();
      await until(() => heard(loadedAt()), `the prediction subgraph to hear numeric:v2 ${what}`, 5000);
    };

    await change(LOAD, (at) => at !== null, 'loaded');
    expect([await cacheOf(), await cacheOf()]).toEqual(['MISS', 'HIT']);

    await change(UNLOAD, (at) => at === null, 'unloaded');
    const refused = await graphql(stack.supergraph.url, PREDICT_CACHED, { input }, { 'x-api-key': KEYS.app });
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]).toMatchObject({
      message: 'numeric:v2 is unloaded; load it with loadModelVersion',
      extensions: { code: 'INFERENCE_UNAVAILABLE' },
    });

    await change(LOAD, (at) => at !== null, 'loaded again');
    expect([await cacheOf(), await cacheOf()]).toEqual(['MISS', 'HIT']);

    // A reload of the loaded version (of a fixed artifact, say) serves nothing the one before it answered.
    const before = loadedAt();
    await change(LOAD, (at) => at !== null && at !== before, 'reloaded');
    expect([await cacheOf(), await cacheOf()]).toEqual(['MISS', 'HIT']);
  });
});
