import type { LoadedModel, ModelInput, ModelOutput } from '../models/types';
import { until } from '../../../lib/until';
import { ModelRegistry } from './model-registry';
import type { RegistryEvent } from './model-registry';
import { WARMUP, catalog, options, recording, stateOf } from './control.test-helpers';

describe('ModelRegistry: warmup, load and unload', () => {
  it('runs the warmup inputs as one batch before a version counts as LOADED and is handed out', async () => {
    const runs: (readonly ModelInput[])[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const model = recording(runs);
    const registry = new ModelRegistry(
      catalog(() => Promise.resolve({ run: async (inputs) => (await gate, model.run(inputs)) })),
      options,
    );
    const events: RegistryEvent[] = [];
    registry.on('change', (e) => events.push(e));
    let handed = false;
    const acquired = registry.acquire('m', 'v3').then(() => {
      handed = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(stateOf(registry, 'v3')).toBe('LOADING');
    expect(handed).toBe(false);
    release();
    await acquired;
    expect(runs).toEqual([WARMUP]);
    expect(stateOf(registry, 'v3')).toBe('LOADED');
    expect(events.map((e) => e.kind)).toEqual(['VERSION_LOADED']);
  });

  it('makes a version whose warmup fails FAILED with the reason, and never hands it out', async () => {
    const runs: (readonly ModelInput[])[] = [];
    const registry = new ModelRegistry(
      catalog(() => Promise.resolve(recording(runs)), [{ kind: 'features', values: [-1] }]),
      options,
    );
    await expect(registry.acquire('m', 'v3')).rejects.toMatchObject({
      code: 'INFERENCE_UNAVAILABLE',
      message: 'm:v3 failed to load (warmup failed: bad weights)',
    });
    expect(registry.get('m').versions[2]).toMatchObject({ state: 'FAILED', loadError: 'warmup failed: bad weights' });
    await expect(registry.load('m', 'v3')).rejects.toThrow('warmup failed: bad weights');
  });

  it('refuses to unload the default version or the canary (MODEL_VERSION_IN_USE), and to make an unloaded version either', async () => {
    const registry = new ModelRegistry(
      catalog(() => Promise.resolve(recording([]))),
      options,
    );
    await expect(registry.unload('m', 'v1')).rejects.toMatchObject({
      code: 'MODEL_VERSION_IN_USE',
      message: 'm:v1 is the default version and cannot be unloaded; make another version the default version first',
    });
    await expect(registry.unload('m', 'v2')).rejects.toMatchObject({
      code: 'MODEL_VERSION_IN_USE',
      message: expect.stringContaining('is the canary'),
    });
    await registry.unload('m', 'v3');
    await expect(registry.setTrafficPolicy({ model: 'm', defaultVersion: 'v3' })).rejects.toMatchObject({
      code: 'MODEL_VERSION_IN_USE',
      message: 'm:v3 is unloaded and cannot be the default version; load it first (loadModelVersion)',
    });
    await expect(registry.setTrafficPolicy({ model: 'm', canary: { version: 'v3', percent: 5 } })).rejects.toMatchObject({
      code: 'MODEL_VERSION_IN_USE',
      message: expect.stringContaining('load it first'),
    });
    expect(registry.get('m')).toMatchObject({ defaultVersion: 'v1', canary: { version: 'v2' } });
  });

  it('unloads once what runs on the version is drained, then refuses it and does not load it lazily, until it is loaded', async () => {
    let loads = 0;
    const registry = new ModelRegistry(
      catalog(() => {
        loads += 1;
        return Promise.resolve(recording([]));
      }),
      options,
    );
    let drained: () => void = () => undefined;
    const draining: LoadedModel[] = [];
    registry.drainWith((loaded) => {
      draining.push(loaded);
      return new Promise<void>((resolve) => {
        drained = resolve;
      });
    });
    const first = await registry.acquire('m', 'v3');
    const events: RegistryEvent[] = [];
    registry.on('change', (e) => events.push(e));
    let unloaded = false;
    const unloading = registry.unload('m', 'v3').then((model) => {
      unloaded = true;
      return model;
    });
    await new Promise((r) => setImmediate(r));
    expect(draining).toEqual([first]);
    expect(unloaded).toBe(false);
    // Refused from the moment the unload starts, not only once it is done.
    await expect(registry.acquire('m', 'v3')).rejects.toMatchObject({
      code: 'INFERENCE_UNAVAILABLE',
      message: 'm:v3 is unloaded; load it with loadModelVersion',
    });
    drained();
    expect((await unloading).versions[2]).toMatchObject({ state: 'UNLOADED', loadedAt: undefined, unloaded: true });
    expect(events.map((e) => e.kind)).toEqual(['VERSION_UNLOADED']);
    await expect(registry.acquire('m', 'v3')).rejects.toThrow('is unloaded');
    await registry.loadAll();
    // v1 and v2 only.
    expect(loads).toBe(3);
    expect(stateOf(registry, 'v3')).toBe('UNLOADED');

    expect((await registry.load('m', 'v3')).versions[2]).toMatchObject({ state: 'LOADED', unloaded: false });
    expect(loads).toBe(4);
    expect(await registry.acquire('m', 'v3')).not.toBe(first);
    expect(events.map((e) => e.kind)).toEqual(['VERSION_UNLOADED', 'VERSION_LOADED', 'VERSION_LOADED', 'VERSION_LOADED']);
  });

  it('reloads a loaded version: the new one serves once warm, the old one is drained', async () => {
    const registry = new ModelRegistry(
      catalog(() => Promise.resolve(recording([]))),
      options,
    );
    const draining: LoadedModel[] = [];
    registry.drainWith((loaded) => {
      draining.push(loaded);
      return Promise.resolve();
    });
    const old = await registry.acquire('m', 'v1');
    await registry.load('m', 'v1');
    const fresh = await registry.acquire('m', 'v1');
    expect(fresh).not.toBe(old);
    expect(draining).toEqual([old]);
  });

  it('leaves a version loaded, as the shared policy has it, when an unload arrives while its load warms up and is overtaken by it', async () => {
    let release: () => void = () => undefined;
    let gated = false;
    const registry = new ModelRegistry(
      catalog(async () => {
        // Only the load asked for is held; the one the policy makes afterwards runs at once.
        if (gated) {
          gated = false;
          await new Promise<void>((resolve) => (release = resolve));
        }
        return recording([]);
      }),
      options,
    );
    await registry.acquire('m', 'v3');
    gated = true;
    const loading = registry.load('m', 'v3');
    await new Promise((r) => setImmediate(r));
    const unloading = registry.unload('m', 'v3');
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([loading, unloading]);
    // The load was stored last: the shared policy has v3 loaded, and so must this replica.
    await until(() => stateOf(registry, 'v3') === 'LOADED', 'v3 to load again as the shared policy has it');
    expect(registry.get('m').versions[2]).toMatchObject({ unloaded: false });
    await expect(registry.acquire('m', 'v3')).resolves.toBeDefined();
  });

  it('loads a version twice, not three times, for two loads of it at the same time', async () => {
    let loads = 0;
    const registry = new ModelRegistry(
      catalog(() => {
        loads += 1;
        return Promise.resolve(recording([]));
      }),
      options,
    );
    await registry.acquire('m', 'v3');
    await Promise.all([registry.load('m', 'v3'), registry.load('m', 'v3')]);
    await new Promise((r) => setImmediate(r));
    // The first use, then one each: the first load's end did not free the version for the policy to load it again.
    expect(loads).toBe(3);
  });

  it('loads again a version reloaded while its first use loads it: the artifact replaced meanwhile serves', async () => {
    let artifact = 'old';
    let release: () => void = () => undefined;
    let gated = true;
    const registry = new ModelRegistry(
      catalog(async () => {
        const read = artifact;
        if (gated) {
          gated = false;
          await new Promise<void>((resolve) => (release = resolve));
        }
        return {
          run: (inputs) => Promise.resolve(inputs.map((): ModelOutput => ({ kind: 'numeric', classId: 0, probability: 1, label: read }))),
        };
      }, []),
      options,
    );
    const firstUse = registry.acquire('m', 'v3');
    await new Promise((r) => setImmediate(r));
    artifact = 'new';
    const reloading = registry.load('m', 'v3');
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([firstUse, reloading]);
    const served = await (await registry.acquire('m', 'v3')).run([{ kind: 'features', values: [1] }]);
    expect(served).toMatchObject([{ label: 'new' }]);
  });

  it('refuses names that are not version names before anything reads the disk', async () => {
    const registry = new ModelRegistry(
      catalog(() => Promise.resolve(recording([]))),
      options,
    );
    await expect(registry.load('m', '../../etc')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(registry.load('m', 'v9')).rejects.toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND' });
    await expect(registry.unload('nope', 'v1')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });
});
