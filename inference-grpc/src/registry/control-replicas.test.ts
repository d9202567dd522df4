import { until } from '../../../lib/until';
import type { LoadedModel, ModelDefinition, VersionSource } from '../models/types';
import { MemoryPolicyBackend, MemoryPolicyStore } from '../policy/memory';
import { ModelRegistry } from './model-registry';
import { catalog, options, recording } from './control.test-helpers';

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

  it('names a load alike on every replica that follows it; one whose reload fails names none until a retry catches up', async () => {
    const digest = 'ab'.repeat(32);
    const load = (): Promise<LoadedModel> => Promise.resolve({ ...recording([]), digest });
    let broken = false;
    let attempts = 0;
    const breakable = (): Promise<LoadedModel> => {
      attempts += 1;
      return broken ? Promise.reject(new Error('truncated weights')) : load();
    };
    const [a, b] = await replicas([catalog(load), undefined], [catalog(breakable), undefined]);
    const loadIdOf = (r: ModelRegistry): string | undefined => r.get('m').versions[2]?.loadId;
    await Promise.all([a.acquire('m', 'v3'), b.acquire('m', 'v3')]);
    expect([loadIdOf(a), loadIdOf(b)]).toEqual(['0:abababababababab', '0:abababababababab']);

    await a.load('m', 'v3');
    expect(loadIdOf(a)).toBe('1:abababababababab');
    await until(() => loadIdOf(b) === '1:abababababababab', 'replica b to serve the load replica a made');

    broken = true;
    const heard: (string | undefined)[] = [];
    b.on('change', (e) => heard.push(e.model.versions[2]?.loadId));
    const before = attempts;
    await a.load('m', 'v3');
    expect(loadIdOf(a)).toBe('2:abababababababab');
    await until(() => attempts > before, 'replica b to try the load');
    await new Promise((r) => setImmediate(r));
    // b still serves load 1, but names none: a cache going by b's list serves nothing of it as current, and b's
    // watchers heard so as soon as the policy counted load 2.
    expect(b.get('m').versions[2]).toMatchObject({ state: 'LOADED', loadId: undefined, loadCount: 1 });
    expect(heard).toContain(undefined);
    // The next policy applied tries the load again; once it serves, b names it as a does.
    broken = false;
    await a.setTrafficPolicy({ model: 'm', canary: { version: 'v2', percent: 20 } });
    await until(() => loadIdOf(b) === '2:abababababababab', 'replica b to load again and name load 2');
  });

  it('ends two loads made at once on two replicas with both serving, and naming, the load the policy counts last', async () => {
    const load = (): Promise<LoadedModel> => Promise.resolve({ ...recording([]), digest: 'cd'.repeat(32) });
    const [a, b] = await replicas([catalog(load), undefined], [catalog(load), undefined]);
    await Promise.all([a.acquire('m', 'v3'), b.acquire('m', 'v3')]);
    await Promise.all([a.load('m', 'v3'), b.load('m', 'v3')]);
    const both = (): (string | undefined)[] => [a, b].map((r) => r.get('m').versions[2]?.loadId);
    await until(() => both().every((id) => id === '2:cdcdcdcdcdcdcdcd'), `both replicas to name load 2, not ${both().join(', ')}`);
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
