/** Repository control over a real channel, on a copy of the model repository: index, load of a new folder, unload (drained, refused, not lazily reloaded), the OIP extension, poll mode and credentials. */
import { copyFileSync, mkdirSync } from 'node:fs';

import { Metadata, status } from '@grpc/grpc-js';

import { createInferenceClient } from '../../lib/grpc/client';
import type { ModelEvent__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import type { ModelInfo__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import type { RepositoryIndexResponse__Output } from '../../lib/grpc/generated/infergraph/inference/v1/RepositoryIndexResponse';
import { unary } from '../../lib/grpc/unary';
import { until } from '../../lib/until';
import { metricValue } from '../../stack/prometheus';
import { failure, startInference } from '../../test/helpers/inference';
import type { InferenceFixture } from '../../test/helpers/inference';
import { copyRepository } from '../../test/helpers/model-repository';
import type { RepositoryCopy } from '../../test/helpers/model-repository';
import { oipClient } from './oip/oip-client.test-helpers';
import type { Callback, Oip } from './oip/oip-client.test-helpers';
import { features, metricsText } from './server.test-helpers';

const load = (f: InferenceFixture, model: string, version: string): Promise<ModelInfo__Output> =>
  unary((cb) => f.client.RepositoryModelLoad({ model, version }, new Metadata(), { deadline: Date.now() + 10_000 }, cb));
const unload = (f: InferenceFixture, model: string, version: string): Promise<ModelInfo__Output> =>
  unary((cb) => f.client.RepositoryModelUnload({ model, version }, new Metadata(), { deadline: Date.now() + 10_000 }, cb));
const index = (f: InferenceFixture, ready = false): Promise<RepositoryIndexResponse__Output> =>
  unary((cb) => f.client.RepositoryIndex({ ready }, cb));
const versionOf = (model: ModelInfo__Output, version: string): ModelInfo__Output['versions'][number] | undefined =>
  model.versions.find((v) => v.version === version);

function oipCall<T>(oip: Oip, method: string, request: object): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const callback: Callback = (err, value) => (err ? reject(err) : resolve(value as T));
    oip[method]?.(request, {}, callback);
  });
}

describe('repository control on a copy of the model repository', () => {
  let repo: RepositoryCopy;
  let f: InferenceFixture;
  beforeAll(async () => {
    repo = copyRepository();
    f = await startInference({ MODEL_REPOSITORY: repo.root });
  });
  afterAll(async () => {
    await f.close();
    repo.remove();
  });

  it('indexes every version with its state; ready lists only the loaded ones', async () => {
    const { models } = await index(f);
    expect(models.map((m) => `${m.name}:${m.version}:${m.state}`)).toEqual([
      'sentiment:v1:UNLOADED',
      'sentiment:v2:UNLOADED',
      'sentiment:v3:UNLOADED',
      'numeric:v1:UNLOADED',
      'numeric:v2:UNLOADED',
    ]);
    await f.predict('sentiment', { text: 'fine' });
    expect((await index(f, true)).models.map((m) => `${m.name}:${m.version}`)).toEqual(['sentiment:v1']);
  });

  it('loads a version folder dropped in after start-up, warmed up, and it serves', async () => {
    repo.addVersion('numeric', 'v3', 'v2', '{ "seed": 3 }\n');
    await expect(failure(f.predict('numeric', features([1, 2]), { version: 'v3' }))).resolves.toMatchObject({
      code: 'MODEL_VERSION_NOT_FOUND',
    });
    const model = await load(f, 'numeric', 'v3');
    expect(versionOf(model, 'v3')).toMatchObject({ state: 'LOADED', loaded: true, default: false });
    const { prediction } = await f.predict('numeric', features([1, 2]), { version: 'v3' });
    expect(prediction).toMatchObject({ modelVersion: 'v3', output: 'numeric' });
    expect((await index(f)).models.find((m) => m.name === 'numeric' && m.version === 'v3')).toMatchObject({ state: 'LOADED', reason: '' });
  });

  it('names the load that answered each prediction as the version lists it, its artifact digest in it; a reload names a new one', async () => {
    const digest = '3445710839a3ccdf'; // numeric/v2/manifest.json's sha256, its first 16 digits
    const getModel = (): Promise<ModelInfo__Output> => unary((cb) => f.client.GetModel({ name: 'numeric' }, cb));
    const first = await f.predict('numeric', features([1, 2]), { version: 'v2' });
    expect(first.prediction?.loadId).toBe(`0:${digest}`);
    expect(versionOf(await getModel(), 'v2')?.loadId).toBe(`0:${digest}`);
    expect(versionOf(await load(f, 'numeric', 'v2'), 'v2')?.loadId).toBe(`1:${digest}`);
    const second = await f.predict('numeric', features([1, 2]), { version: 'v2' });
    expect(second.prediction?.loadId).toBe(`1:${digest}`);
    expect(versionOf(await unload(f, 'numeric', 'v2'), 'v2')?.loadId).toBe('');
    expect(versionOf(await load(f, 'numeric', 'v2'), 'v2')?.loadId).toBe(`2:${digest}`);
  });

  it('refuses to unload the default version with FAILED_PRECONDITION / MODEL_VERSION_IN_USE, and names outside the repository', async () => {
    await expect(failure(unload(f, 'numeric', 'v1'))).resolves.toEqual({
      grpc: status.FAILED_PRECONDITION,
      code: 'MODEL_VERSION_IN_USE',
      message: 'numeric:v1 is the default version and cannot be unloaded; make another version the default version first',
    });
    await expect(failure(load(f, 'numeric', '../sentiment'))).resolves.toMatchObject({
      grpc: status.INVALID_ARGUMENT,
      code: 'BAD_USER_INPUT',
    });
  });

  it('takes version names of up to 64 characters (MAX_NAME_LENGTH) and refuses 65 before reading the disk', async () => {
    const longest = `v${'x'.repeat(63)}`;
    const tooLong = `v${'x'.repeat(64)}`;
    repo.addVersion('numeric', longest, 'v2');
    repo.addVersion('numeric', tooLong, 'v2');
    expect(versionOf(await load(f, 'numeric', longest), longest)).toMatchObject({ state: 'LOADED' });
    await expect(failure(load(f, 'numeric', tooLong))).resolves.toMatchObject({
      grpc: status.INVALID_ARGUMENT,
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('at most 64 characters') as unknown,
    });
    await expect(failure(unload(f, 'numeric', tooLong))).resolves.toMatchObject({ code: 'BAD_USER_INPUT' });
    await unload(f, 'numeric', longest);
  });

  it('serves Triton\'s repository extension on the OIP service, the version in the parameter "version"', async () => {
    const oip = oipClient(f);
    try {
      repo.addVersion('numeric', 'v4', 'v2', '{ "seed": 4 }\n');
      await oipCall(oip, 'RepositoryModelLoad', { model_name: 'numeric', parameters: { version: { string_param: '4' } } });
      const listed = await oipCall<{ models: { name: string; version: string; state: string; reason: string }[] }>(oip, 'RepositoryIndex', {
        ready: true,
      });
      expect(listed.models).toContainEqual({ name: 'numeric', version: '4', state: 'READY', reason: '' });
      await oipCall(oip, 'RepositoryModelUnload', { model_name: 'numeric', parameters: { version: { string_param: 'v4' } } });
      const all = await oipCall<{ models: { name: string; version: string; state: string; reason: string }[] }>(oip, 'RepositoryIndex', {});
      expect(all.models).toContainEqual({
        name: 'numeric',
        version: '4',
        state: 'UNAVAILABLE',
        reason: 'unloaded; load it with RepositoryModelLoad',
      });
      // No version parameter: the default version, which is in use.
      await expect(failure(oipCall(oip, 'RepositoryModelUnload', { model_name: 'numeric' }))).resolves.toMatchObject({
        grpc: status.FAILED_PRECONDITION,
        code: 'MODEL_VERSION_IN_USE',
      });
      await expect(failure(oipCall(oip, 'RepositoryIndex', { repository_name: 'other' }))).resolves.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
      // Triton's overrides are not supported: refused, naming the key, before anything loads.
      for (const key of ['config', 'file:1/params.json']) {
        const refused = await failure(
          oipCall(oip, 'RepositoryModelLoad', {
            model_name: 'numeric',
            parameters: { version: { string_param: 'v4' }, [key]: { string_param: '{}' } },
          }),
        );
        expect(refused).toMatchObject({ grpc: status.INVALID_ARGUMENT, code: 'BAD_USER_INPUT' });
        expect(refused.message).toContain(`${JSON.stringify(key)} is not supported`);
      }
      expect((await index(f)).models.find((m) => m.name === 'numeric' && m.version === 'v4')).toMatchObject({ state: 'UNLOADED' });
      // An unbounded model name is refused before the registry is asked, and not echoed.
      const long = `m${'x'.repeat(10_000)}`;
      for (const method of ['RepositoryModelLoad', 'RepositoryModelUnload']) {
        const refused = await failure(oipCall(oip, method, { model_name: long }));
        expect(refused).toMatchObject({ grpc: status.INVALID_ARGUMENT, code: 'BAD_USER_INPUT' });
        expect(refused.message.length).toBeLessThan(300);
      }
    } finally {
      oip.close();
    }
  });

  it('refuses repository calls without the server token, on both services', async () => {
    const stranger = createInferenceClient(f.address, {}, { ...f.security, inferenceToken: '' });
    try {
      const refused = await failure(unary((cb) => stranger.RepositoryModelUnload({ model: 'numeric', version: 'v3' }, cb)));
      expect(refused.grpc).toBe(status.UNAUTHENTICATED);
      expect((await index(f)).models.find((m) => m.name === 'numeric' && m.version === 'v3')).toMatchObject({ state: 'LOADED' });
    } finally {
      stranger.close();
    }
    const oip = oipClient({ ...f, security: { ...f.security, inferenceToken: '' } });
    try {
      await expect(failure(oipCall(oip, 'RepositoryIndex', {}))).resolves.toMatchObject({ grpc: status.UNAUTHENTICATED });
    } finally {
      oip.close();
    }
  });
});

describe('unload while batches are in flight', () => {
  let repo: RepositoryCopy;
  let f: InferenceFixture;
  beforeAll(async () => {
    repo = copyRepository();
    // Each numeric batch runs 2 s and inputs never wait for others: an input queues only behind a running batch.
    f = await startInference({ MODEL_REPOSITORY: repo.root, NUMERIC_LATENCY_MS: '2000', BATCH_MAX_DELAY_MS: '0' });
  });
  afterAll(async () => {
    await f.close();
    repo.remove();
  });

  it('unloads a version once its in-flight batches are done; it then refuses predictions and does not load again by itself', async () => {
    await load(f, 'numeric', 'v2');
    const order: string[] = [];
    const predict = (values: number[]) =>
      f.predict('numeric', features(values), { version: 'v2', deadlineMs: 30_000 }).then((answer) => {
        order.push('prediction');
        return answer;
      });
    const running = predict([4, 5]);
    const queued = predict([6, 7]);
    // With no batching delay, an input waits in the queue only behind a running batch: so one runs (for
    // NUMERIC_LATENCY_MS) and one waits when the unload starts.
    await until(
      async () => metricValue(await metricsText(f), 'infergraph_inference_queue_depth', { model: 'numeric', version: 'v2' }) === 1,
      'one input of numeric:v2 to run and the other to wait behind it',
      10_000,
    );
    const unloaded = await unload(f, 'numeric', 'v2').then((model) => {
      order.push('unload');
      return model;
    });
    expect((await running).prediction).toMatchObject({ modelVersion: 'v2' });
    expect((await queued).prediction).toMatchObject({ modelVersion: 'v2' });
    expect(order).toEqual(['prediction', 'prediction', 'unload']);
    expect(versionOf(unloaded, 'v2')).toMatchObject({ state: 'UNLOADED', loaded: false, loadedAt: '' });

    for (let i = 0; i < 2; i += 1) {
      await expect(failure(f.predict('numeric', features([4, 5]), { version: 'v2' }))).resolves.toEqual({
        grpc: status.UNAVAILABLE,
        code: 'INFERENCE_UNAVAILABLE',
        message: 'numeric:v2 is unloaded; load it with loadModelVersion',
      });
    }
    expect((await index(f)).models.find((m) => m.name === 'numeric' && m.version === 'v2')).toMatchObject({
      state: 'UNLOADED',
      reason: 'unloaded; load it with RepositoryModelLoad',
    });
  });
});

describe('MODEL_REPOSITORY_POLL_MS', () => {
  let repo: RepositoryCopy;
  let f: InferenceFixture;
  beforeAll(async () => {
    repo = copyRepository();
    f = await startInference({ MODEL_REPOSITORY: repo.root, MODEL_REPOSITORY_POLL_MS: '50' });
  });
  afterAll(async () => {
    await f.close();
    repo.remove();
  });

  it('finds a new version folder by itself: UNLOADED, streamed through WatchModels, and loadable', async () => {
    const events: ModelEvent__Output[] = [];
    const stream = f.client.WatchModels({});
    stream.on('data', (e: ModelEvent__Output) => events.push(e));
    stream.on('error', () => undefined);
    try {
      await until(() => events.some((e) => e.kind === 'SNAPSHOT_END'), 'the snapshot');
      repo.addVersion('sentiment', 'v4', 'v2');
      await until(() => events.some((e) => e.kind === 'VERSION_UNLOADED'), 'the new version to be announced', 5000);
      const announced = events.find((e) => e.kind === 'VERSION_UNLOADED')?.model;
      expect(announced?.name).toBe('sentiment');
      expect(announced && versionOf(announced, 'v4')).toMatchObject({ state: 'UNLOADED', loaded: false });
      await expect(f.predict('sentiment', { text: 'lovely' }, { version: 'v4' })).resolves.toMatchObject({
        prediction: { modelVersion: 'v4' },
      });
    } finally {
      stream.cancel();
    }
  });

  it('leaves a folder still being copied (manifest before artifact) for a later poll, which adds it once whole', async () => {
    const events: ModelEvent__Output[] = [];
    const stream = f.client.WatchModels({});
    stream.on('data', (e: ModelEvent__Output) => events.push(e));
    stream.on('error', () => undefined);
    const announced = (version: string): boolean =>
      events.some((e) => e.kind === 'VERSION_UNLOADED' && e.model?.name === 'numeric' && versionOf(e.model, version) !== undefined);
    try {
      await until(() => events.some((e) => e.kind === 'SNAPSHOT_END'), 'the snapshot');
      mkdirSync(repo.file('numeric', 'v5'));
      copyFileSync(repo.file('numeric', 'v2', 'manifest.json'), repo.file('numeric', 'v5', 'manifest.json'));
      // A whole folder beside it: once it is announced, a poll has seen the half-copied one too.
      repo.addVersion('numeric', 'v6', 'v2');
      await until(() => announced('v6'), 'the whole folder to be announced', 5000);
      expect(announced('v5')).toBe(false);
      expect((await index(f)).models.some((m) => m.name === 'numeric' && m.version === 'v5')).toBe(false);
      copyFileSync(repo.file('numeric', 'v2', 'params.json'), repo.file('numeric', 'v5', 'params.json'));
      await until(() => announced('v5'), 'the folder to be announced once whole', 5000);
      await expect(f.predict('numeric', features([1, 2]), { version: 'v5' })).resolves.toMatchObject({
        prediction: { modelVersion: 'v5' },
      });

      mkdirSync(repo.file('numeric', 'v7'));
      copyFileSync(repo.file('numeric', 'v2', 'manifest.json'), repo.file('numeric', 'v7', 'manifest.json'));
      await expect(failure(load(f, 'numeric', 'v7'))).resolves.toMatchObject({
        code: 'INFERENCE_UNAVAILABLE',
        message: expect.stringContaining('params.json'),
      });
    } finally {
      stream.cancel();
    }
  });
});
