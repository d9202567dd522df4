import type { LoadedModel, ModelDefinition, ModelInput, ModelOutput, VersionSource } from '../models/types';
import { until } from '../../../lib/until';
import { MemoryPolicyBackend, MemoryPolicyStore } from '../policy/memory';
import { ModelRegistry } from './model-registry';
import type { RegistryEvent } from './model-registry';

const options = { defaultVersions: new Map<string, string>(), canary: [], loadRetryMs: 60_000 };

const WARMUP: ModelInput[] = [
  { kind: 'features', values: [1, 2] },
  { kind: 'features', values: [3] },
];

/** A model whose batches are recorded, and fail for features [-1] (a model error). */
function recording(runs: (readonly ModelInput[])[]): LoadedModel {
  return {
    run: (inputs) => {
      runs.push(inputs);
      if (inputs.some((i) => i.kind === 'features' && i.values[0] === -1)) return Promise.reject(new Error('bad weights'));
      return Promise.resolve(inputs.map((): ModelOutput => ({ kind: 'numeric', classId: 0, probability: 1, label: 'low' })));
    },
  };
}

function catalog(load: () => Promise<LoadedModel>, warmup: readonly ModelInput[] = WARMUP): ModelDefinition[] {
  return [
    {
      name: 'm',
      description: 'test model',
      inputKind: 'FEATURES',
      defaultVersion: 'v1',
      canary: { version: 'v2', percent: 10 },
      warmup,
      versions: ['v1', 'v2', 'v3'].map((version) => ({ version, description: version, load })),
    },
  ];
}

const stateOf = (registry: ModelRegistry, version: string): string | undefined =>
  registry.get('m').versions.find((v) => v.version === version)?.state;

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

describe('ModelRegistry: loads shared between replicas', () => {
  /** Two replicas sharing one policy backend, each with its catalog and repository. */
  const replicas = async (
    first: [ModelDefinition[], VersionSource | undefined],
    second: [ModelDefinition[], VersionSource | undefined],
  ): Promise<[ModelRegistry, ModelRegistry]> => {
    const backend = new MemoryPolicyBackend();
    const make = ([c, source]: [ModelDefinition[], VersionSource | undefined]): ModelRegistry =>
      new ModelRegistry(c, { ...options, policyStore: new MemoryPolicyStore(backend), source });
    const made: [ModelRegistry, ModelRegistry] = [make(first), make(second)];
    await Promise.all(made.map((r) => r.startPolicy()));
    return made;
  };
  /** A repository holding v1 to v4 (v4 is new) of model m. */
  const withV4 = (load: () => Promise<LoadedModel>): VersionSource => ({
    versionFolders: () => ['v1', 'v2', 'v3', 'v4'],
    scanVersion: (_model, version) => (['v1', 'v2', 'v3', 'v4'].includes(version) ? { version, description: version, load } : undefined),
  });

  it('never makes a change on a replica from a policy it skipped: one that cannot serve the default is refused, not reverting it', async () => {
    const load = (): Promise<LoadedModel> => Promise.resolve(recording([]));
    // b has no v4 folder: it skips the policy naming v4 the default.
    const [a, b] = await replicas([catalog(load), withV4(load)], [catalog(load), undefined]);
    await a.load('m', 'v4');
    await a.setTrafficPolicy({ model: 'm', defaultVersion: 'v4' });
    expect(b.get('m').defaultVersion).toBe('v1');
    await expect(b.unload('m', 'v3')).rejects.toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND' });
    expect(a.get('m')).toMatchObject({ defaultVersion: 'v4' });
    expect(a.get('m').versions.find((v) => v.version === 'v3')?.unloaded).toBe(false);
  });

  it('refuses a load it could not share before loading anything: the newest policy is one this replica skipped', async () => {
    let loads = 0;
    const load = (): Promise<LoadedModel> => Promise.resolve(recording([]));
    const counted = (): Promise<LoadedModel> => {
      loads += 1;
      return load();
    };
    const [a, b] = await replicas([catalog(load), withV4(load)], [catalog(counted), undefined]);
    await b.acquire('m', 'v3');
    await a.load('m', 'v4');
    await a.setTrafficPolicy({ model: 'm', defaultVersion: 'v4' });
    await expect(b.load('m', 'v3')).rejects.toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND' });
    expect(loads).toBe(1);
    expect(b.get('m').versions[2]).toMatchObject({ state: 'LOADED', unloaded: false });
  });

  it('shares a load only once it succeeded here: a warmup that fails leaves the version unloaded on every replica', async () => {
    let broken = false;
    const load = (): Promise<LoadedModel> => Promise.resolve(recording([]));
    const breakable = (): Promise<LoadedModel> => (broken ? Promise.reject(new Error('truncated weights')) : load());
    const [a, b] = await replicas([catalog(breakable), undefined], [catalog(load), undefined]);
    await a.unload('m', 'v3');
    expect(b.get('m').versions[2]).toMatchObject({ unloaded: true });
    broken = true;
    await expect(a.load('m', 'v3')).rejects.toThrow('truncated weights');
    await new Promise((r) => setImmediate(r));
    expect(b.get('m').versions[2]).toMatchObject({ unloaded: true, state: 'UNLOADED' });
    expect(a.get('m').versions[2]).toMatchObject({ unloaded: true });
    await expect(b.acquire('m', 'v3')).rejects.toThrow('is unloaded');
    broken = false;
    await a.load('m', 'v3');
    await b.acquire('m', 'v3');
  });

  it('adds a version folder found by a rescan unloaded when the shared policy unloads it', async () => {
    const load = (): Promise<LoadedModel> => Promise.resolve(recording([]));
    let copied = false;
    // b's copy of the repository gets v4 only later.
    const late: VersionSource = {
      versionFolders: () => (copied ? ['v1', 'v2', 'v3', 'v4'] : ['v1', 'v2', 'v3']),
      scanVersion: (model, version) => (version !== 'v4' || copied ? withV4(load).scanVersion(model, version) : undefined),
    };
    const [a, b] = await replicas([catalog(load), withV4(load)], [catalog(load), late]);
    await a.load('m', 'v4');
    await a.unload('m', 'v4');
    expect(b.has('m', 'v4')).toBe(false);
    copied = true;
    b.rescan(false);
    expect(b.get('m').versions.find((v) => v.version === 'v4')).toMatchObject({ unloaded: true });
    await expect(b.acquire('m', 'v4')).rejects.toThrow('is unloaded');
  });
});
