/** The traffic policy through the gRPC port: SetTrafficPolicy and the WatchModels stream. */
import { status } from '@grpc/grpc-js';
import type { ClientReadableStream } from '@grpc/grpc-js';

import type { ModelEvent__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import { failure, setPolicy, startInference } from '../../test/helpers/inference';
import type { InferenceFixture } from '../../test/helpers/inference';
import { until } from '../../lib/until';
import { features, text } from './server.test-helpers';

describe('the traffic policy over a real channel', () => {
  let f: InferenceFixture;
  beforeAll(async () => {
    f = await startInference();
  });
  afterAll(() => f.close());

  it('changes the traffic policy at run time and streams every change to watchers', async () => {
    const events: ModelEvent__Output[] = [];
    const stream: ClientReadableStream<ModelEvent__Output> = f.client.WatchModels({});
    const ended = new Promise((resolve) => stream.on('error', resolve));
    stream.on('data', (e: ModelEvent__Output) => events.push(e));
    await until(() => events.length >= 3, 'the snapshot of both models and its end', 3000);
    expect(events.map((e) => [e.kind, e.model?.name])).toEqual([
      ['SNAPSHOT', 'sentiment'],
      ['SNAPSHOT', 'numeric'],
      ['SNAPSHOT_END', undefined],
    ]);

    const withCanary = await setPolicy(f, { model: 'numeric', canary: { version: 'v2', percent: 25 } });
    expect(withCanary).toMatchObject({ defaultVersion: 'v1', canary: { version: 'v2', percent: 25 } });
    expect(withCanary.versions.map((v) => [v.version, v.default, v.canary])).toEqual([
      ['v1', true, false],
      ['v2', false, true],
    ]);
    const promoted = await setPolicy(f, { model: 'numeric', defaultVersion: 'v2' });
    expect(promoted).toMatchObject({ defaultVersion: 'v2', canary: null });
    expect((await f.predict('numeric', features([1]))).prediction?.modelVersion).toBe('v2');
    await setPolicy(f, { model: 'numeric', defaultVersion: 'v1', canary: { version: 'v2', percent: 5 } });
    const cleared = await setPolicy(f, { model: 'numeric', clearCanary: true });
    expect(cleared.canary).toBeNull();

    await until(() => events.filter((e) => e.kind === 'POLICY_CHANGED').length >= 4, 'four policy changes on the watch stream', 3000);
    const policies = events
      .filter((e) => e.kind === 'POLICY_CHANGED')
      .map((e) => [e.model?.defaultVersion, e.model?.canary?.percent ?? null]);
    expect(policies).toEqual([
      ['v1', 25],
      ['v2', null],
      ['v1', 5],
      ['v1', null],
    ]);
    stream.cancel();
    await ended;
  });

  it('rejects a traffic policy that cannot hold', async () => {
    expect(await failure(setPolicy(f, { model: 'numeric', defaultVersion: 'v7' }))).toMatchObject({
      grpc: status.NOT_FOUND,
      code: 'MODEL_VERSION_NOT_FOUND',
    });
    expect(await failure(setPolicy(f, { model: 'numeric', canary: { version: 'v2', percent: 0 } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'canary percent must be an integer from 1 to 100, got 0',
    });
    expect(await failure(setPolicy(f, { model: 'numeric', canary: { version: 'v2', percent: 101 } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await failure(setPolicy(f, { model: 'numeric', canary: { version: 'v1', percent: 10 } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('is the default version'),
    });
    expect(await failure(setPolicy(f, { model: 'nope', clearCanary: true }))).toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(setPolicy(f, { model: 'numeric', canary: { version: 'v2', percent: 100 } })).resolves.toMatchObject({
      canary: { percent: 100 },
    });
  });

  it('takes the learned sentiment v3 as a canary, then as the default, like any other version (the prediction subgraph makes the canary split)', async () => {
    const canary = await setPolicy(f, { model: 'sentiment', canary: { version: 'v3', percent: 20 } });
    expect(canary.versions.map((v) => [v.version, v.default, v.canary])).toEqual([
      ['v1', true, false],
      ['v2', false, false],
      ['v3', false, true],
    ]);
    await setPolicy(f, { model: 'sentiment', defaultVersion: 'v3' });
    expect((await f.predict('sentiment', text('Works great.'))).prediction).toMatchObject({
      modelVersion: 'v3',
      sentiment: { label: 'POSITIVE' },
    });
    await setPolicy(f, { model: 'sentiment', defaultVersion: 'v1' });
  });
});
