/**
 * The models subgraph answers from its copy of the registry (lib/grpc/registry-watch.ts), in front of the real
 * inference-grpc: counted at inference-grpc's per-RPC counters, reads after sync cost no registry call; a write is
 * in the very next read; a change made elsewhere arrives on the stream; and a copy without its stream for longer
 * than CATALOG_MAX_STALENESS_MS refuses, then resyncs when inference-grpc is back; a stream gone silent without
 * closing is noticed by keepalive pings.
 */
import { graphql } from '../../../stack/graphql-client';
import { setPolicy, startInference } from '../../../test/helpers/inference';
import type { InferenceFixture } from '../../../test/helpers/inference';
import { startModels } from '../../../test/helpers/models';
import { startFreezingProxy } from '../../../test/helpers/freezing-proxy';
import { until } from '../../../lib/until';
import type { ModelsSubgraph } from './server';

interface Listed {
  models: { name: string; defaultVersion: string; canary: { version: string; percent: number } | null }[];
}

const LIST = '{ models { name defaultVersion canary { version percent } } }';

/** Registry reads inference-grpc has answered (ListModels and GetModel, whatever their outcome). */
async function registryReads(inference: InferenceFixture): Promise<number> {
  const text = await inference.server.metrics.metrics();
  return text
    .split('\n')
    .filter((line) => /^infergraph_inference_rpcs_total\{.*method="(ListModels|GetModel)"/.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

async function canaryOf(models: ModelsSubgraph, name: string): Promise<number | null | undefined> {
  const res = await graphql<Listed>(models.url, LIST);
  return res.data?.models.find((m) => m.name === name)?.canary?.percent ?? (res.data ? null : undefined);
}

const setCanary = (percent: number): string =>
  `mutation { setTrafficPolicy(input: { model: "numeric", canary: { version: "v2", percent: ${percent} } }) { canary { percent } } }`;

describe('the models subgraph reads its copy of the registry', () => {
  let inference: InferenceFixture;
  let models: ModelsSubgraph;
  beforeAll(async () => {
    inference = await startInference();
    models = await startModels(inference);
  });
  afterAll(async () => {
    await models.close();
    await inference.close();
  });

  it('answers its first read with the whole registry, once the snapshot has ended', async () => {
    const fresh = await startModels(inference);
    try {
      const res = await graphql<Listed>(fresh.url, LIST);
      expect(res.data?.models.map((m) => m.name)).toEqual(['sentiment', 'numeric']);
    } finally {
      await fresh.close();
    }
  });

  it('answers models, model(name) and Model entities with no ListModels or GetModel call', async () => {
    await graphql(models.url, LIST);
    const before = await registryReads(inference);
    const representations = Array.from({ length: 50 }, (_, i) => ({ __typename: 'Model', name: i % 2 ? 'sentiment' : 'numeric' }));
    for (let i = 0; i < 20; i += 1) {
      const [list, one, entities] = await Promise.all([
        graphql<Listed>(models.url, LIST),
        graphql<{ model: { name: string } | null }>(models.url, '{ model(name: "numeric") { name } }'),
        graphql<{ _entities: { name: string }[] }>(
          models.url,
          'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Model { name } } }',
          { representations },
        ),
      ]);
      expect(list.data?.models).toHaveLength(2);
      expect(one.data?.model).toEqual({ name: 'numeric' });
      expect(entities.data?._entities).toHaveLength(50);
    }
    expect((await registryReads(inference)) - before).toBe(0);
  });

  it('shows a policy change made through setTrafficPolicy in the very next read (read-your-own-write)', async () => {
    for (const percent of [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]) {
      const set = await graphql<{ setTrafficPolicy: { canary: { percent: number } } }>(models.url, setCanary(percent));
      expect(set.data?.setTrafficPolicy.canary.percent).toBe(percent);
      expect(await canaryOf(models, 'numeric')).toBe(percent);
    }
    await graphql(models.url, 'mutation { setTrafficPolicy(input: { model: "numeric", clearCanary: true }) { name } }');
  });

  it('shows a change made elsewhere (a direct SetTrafficPolicy) once its WatchModels event arrives', async () => {
    await setPolicy(inference, { model: 'sentiment', canary: { version: 'v2', percent: 15 } });
    await until(async () => (await canaryOf(models, 'sentiment')) === 15, 'the change made elsewhere in a read', 5000);
    await setPolicy(inference, { model: 'sentiment', clearCanary: true });
    await until(async () => (await canaryOf(models, 'sentiment')) === null, 'the canary cleared elsewhere in a read', 5000);
  });
});

describe('the models subgraph without its registry stream', () => {
  it('refuses reads naming CATALOG_MAX_STALENESS_MS once the stream has been down that long, and resyncs when it is back', async () => {
    const first = await startInference();
    const models = await startModels(first, { CATALOG_MAX_STALENESS_MS: '300' });
    const ready = models.url.replace('/graphql', '/ready');
    let second: InferenceFixture | undefined;
    try {
      expect((await graphql(models.url, setCanary(40))).errors).toBeUndefined();
      await until(async () => (await fetch(ready)).status === 200, 'the subgraph ready', 5000);
      await first.close();

      let refused: { message: string; extensions?: Record<string, unknown> } | undefined;
      await until(
        async () => {
          refused = (await graphql(models.url, LIST)).errors?.[0];
          return refused !== undefined;
        },
        'reads refused past the bound',
        5000,
      );
      expect(refused).toMatchObject({
        extensions: { code: 'INFERENCE_UNAVAILABLE' },
        message: expect.stringContaining('CATALOG_MAX_STALENESS_MS (300 ms)'),
      });
      expect((await fetch(ready)).status).toBe(503);

      // Back on the same port with the configured policy (no canary): the new snapshot replaces the copy whole.
      second = await startInference({ PORT: String(first.server.port), INFERENCE_TOKEN: first.token });
      await until(async () => (await canaryOf(models, 'numeric')) === null, 'reads answering the resynced registry', 15_000);
      expect((await fetch(ready)).status).toBe(200);
    } finally {
      await models.close();
      await second?.close();
    }
  });

  it('notices a stream whose peer went silent without closing it (INFERENCE_KEEPALIVE_MS), and refuses past the bound', async () => {
    const inference = await startInference();
    const proxy = await startFreezingProxy(inference.address);
    const models = await startModels(inference, {
      INFERENCE_URL: proxy.address,
      INFERENCE_KEEPALIVE_MS: '300',
      CATALOG_MAX_STALENESS_MS: '300',
    });
    try {
      expect((await graphql<Listed>(models.url, LIST)).data?.models).toHaveLength(2);
      proxy.freeze();
      // No reset reaches either side: only the unanswered ping tells the subgraph its stream is gone.
      await until(
        async () => (await graphql(models.url, LIST)).errors?.[0]?.extensions?.code === 'INFERENCE_UNAVAILABLE',
        'reads refused once the silent stream is noticed and the bound has passed',
        10_000,
      );
    } finally {
      await models.close();
      await proxy.close();
      await inference.close();
    }
  });
});
