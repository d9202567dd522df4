import type { ClientReadableStream } from '@grpc/grpc-js';

import type { ModelEvent__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import { Metadata } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import type { ModelInfo__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import { unary } from '../../lib/grpc/unary';
import { failure, setPolicy, startInference } from '../../test/helpers/inference';
import type { InferenceFixture } from '../../test/helpers/inference';
import { copyRepository } from '../../test/helpers/model-repository';
import type { RepositoryCopy } from '../../test/helpers/model-repository';
import { describeRedis } from '../../test/helpers/redis';
import { deletePrefix, freshPrefix, redisUrl } from '../../stack/redis';
import { until } from '../../lib/until';

describeRedis('inference replicas sharing Redis', () => {
  let a: InferenceFixture;
  let b: InferenceFixture;
  let watch: ClientReadableStream<ModelEvent__Output> | undefined;
  const prefix = freshPrefix();
  let repo: RepositoryCopy;

  beforeAll(async () => {
    repo = copyRepository();
    const shared = { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix, MODEL_REPOSITORY: repo.root };
    a = await startInference({ ...shared, CANARY: 'sentiment:v2:10' });
    // Configured differently: the policy already stored wins over this replica's configuration.
    b = await startInference({ ...shared, DEFAULT_MODEL_VERSIONS: 'numeric:v2' });
  });

  afterAll(async () => {
    watch?.cancel();
    await Promise.all([a.close(), b.close()]);
    await deletePrefix(prefix);
    repo.remove();
  });

  const repository = (f: InferenceFixture, rpc: 'RepositoryModelLoad' | 'RepositoryModelUnload', model: string, version: string) =>
    unary<ModelInfo__Output>((cb) => f.client[rpc]({ model, version }, new Metadata(), { deadline: Date.now() + 10_000 }, cb));

  it('serve the policy the first replica stored, whatever the later ones were configured with', async () => {
    expect((await b.predict('numeric', { features: { values: [1] } })).prediction?.modelVersion).toBe('v1');
    expect((await b.predict('sentiment', { text: 'fine' }, { version: '' })).prediction?.modelVersion).toMatch(/^v[12]$/);
    const listed = await setPolicy(b, { model: 'sentiment' });
    expect(listed).toMatchObject({ defaultVersion: 'v1', canary: { version: 'v2', percent: 10 } });
  });

  it('report on every replica a change made through any of them, on WatchModels and in what they serve', async () => {
    const events: ModelEvent__Output[] = [];
    watch = b.client.WatchModels({});
    watch.on('data', (e: ModelEvent__Output) => events.push(e));
    watch.on('error', () => undefined);
    await until(() => events.length >= 2, 'the snapshot from replica b');

    await setPolicy(a, { model: 'numeric', defaultVersion: 'v2' });
    await until(
      () => events.some((e) => e.kind === 'POLICY_CHANGED' && e.model?.defaultVersion === 'v2'),
      'replica b to report the change made on replica a',
      1000,
    );
    expect((await b.predict('numeric', { features: { values: [1] } })).prediction?.modelVersion).toBe('v2');
    await setPolicy(b, { model: 'numeric', defaultVersion: 'v1' });
    await until(
      async () => (await a.predict('numeric', { features: { values: [1] } })).prediction?.modelVersion === 'v1',
      'replica a to serve the change made on replica b',
      1000,
    );
  });

  it('unload a version on every replica when one unloads it, and load it again on every replica when one loads it', async () => {
    const onB = () => b.predict('sentiment', { text: 'fine' }, { version: 'v3' });
    expect((await onB()).prediction?.modelVersion).toBe('v3');
    await repository(a, 'RepositoryModelUnload', 'sentiment', 'v3');
    await until(
      () =>
        onB().then(
          () => false,
          (err: ServiceError) => err.details === 'sentiment:v3 is unloaded; load it with loadModelVersion',
        ),
      'replica b to refuse the version unloaded through replica a',
      2000,
    );
    await expect(failure(setPolicy(b, { model: 'sentiment', defaultVersion: 'v3' }))).resolves.toMatchObject({
      code: 'MODEL_VERSION_IN_USE',
    });
    await repository(b, 'RepositoryModelLoad', 'sentiment', 'v3');
    await until(
      async () =>
        (await a.predict('sentiment', { text: 'fine' }, { version: 'v3' }).catch(() => undefined))?.prediction?.modelVersion === 'v3',
      'replica a to serve the version loaded again through replica b',
      5000,
    );
  });

  it('share every load: a new folder loaded through one serves on the other, which follows it as default and keeps that default', async () => {
    repo.addVersion('numeric', 'v4', 'v2', '{ "seed": 4 }\n');
    await repository(a, 'RepositoryModelLoad', 'numeric', 'v4');
    await until(
      async () =>
        (await b.predict('numeric', { features: { values: [1] } }, { version: 'v4' }).catch(() => undefined))?.prediction?.modelVersion ===
        'v4',
      'replica b to serve the version folder loaded through replica a',
      5000,
    );
    await setPolicy(a, { model: 'numeric', defaultVersion: 'v4' });
    await until(
      async () => (await b.predict('numeric', { features: { values: [1] } })).prediction?.modelVersion === 'v4',
      'replica b to serve the default version set through replica a',
      2000,
    );
    const afterUnload = await repository(b, 'RepositoryModelUnload', 'numeric', 'v2');
    expect(afterUnload.defaultVersion).toBe('v4');
    expect((await setPolicy(a, { model: 'numeric' })).defaultVersion).toBe('v4');
    expect((await a.predict('numeric', { features: { values: [1] } })).prediction?.modelVersion).toBe('v4');
  });

  it('load again on the other replica a version reloaded through one, its artifact replaced', async () => {
    const probability = async (f: InferenceFixture): Promise<number | undefined> =>
      (await f.predict('numeric', { features: { values: [1, 2, 3] } }, { version: 'v5' }).catch(() => undefined))?.prediction?.numeric
        ?.probability;
    repo.addVersion('numeric', 'v5', 'v2', '{ "seed": 5 }\n');
    await repository(a, 'RepositoryModelLoad', 'numeric', 'v5');
    await until(async () => (await probability(b)) !== undefined, 'replica b to serve the version folder loaded through replica a', 5000);
    const before = await probability(b);
    repo.addVersion('numeric', 'v5', 'v2', '{ "seed": 55 }\n');
    await repository(a, 'RepositoryModelLoad', 'numeric', 'v5');
    const after = await probability(a);
    expect(after).not.toBe(before);
    await until(async () => (await probability(b)) === after, 'replica b to load again the version reloaded through replica a', 5000);
  });
});
