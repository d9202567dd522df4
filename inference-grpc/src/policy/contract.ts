/**
 * One suite for every PolicyStore: two registries (replicas) on one backend
 * must agree on the traffic policy, whichever of them changed it.
 */
import { until } from '../../../lib/until';
import type { LoadedModel, ModelDefinition } from '../models/types';
import { ModelRegistry } from '../registry/model-registry';
import type { RegistryEvent } from '../registry/model-registry';
import type { PolicyStore } from './store';

/** A model answering every input, for the test catalogs. */
export const loaded: LoadedModel = {
  run: (inputs) => Promise.resolve(inputs.map(() => ({ kind: 'numeric', classId: 0, probability: 1, label: 'low' }))),
};

export function testCatalog(
  versions: readonly string[] = ['v1', 'v2', 'v3'],
  load: () => Promise<LoadedModel> = () => Promise.resolve(loaded),
): ModelDefinition[] {
  return [
    {
      name: 'm',
      description: 'test model',
      inputKind: 'FEATURES',
      defaultVersion: versions[0] ?? 'v1',
      canary: undefined,
      versions: versions.map((version) => ({ version, description: version, load })),
    },
  ];
}

export interface PolicyBackend {
  /** A new store on the shared backend, as each replica makes its own, once connected. */
  store(): Promise<PolicyStore>;
  /** Drops the backend's data and anything the stores left open. */
  cleanup(): Promise<void>;
}

export function policyStoreContract(name: string, makeBackend: () => Promise<PolicyBackend>): void {
  describe(`${name}: replicas sharing one traffic policy`, () => {
    let backend: PolicyBackend;
    const registries: ModelRegistry[] = [];

    async function replica(
      config: { defaultVersion?: string; canary?: string } = {},
      versions?: readonly string[],
      load?: () => Promise<LoadedModel>,
    ): Promise<ModelRegistry> {
      const registry = new ModelRegistry(testCatalog(versions, load), {
        defaultVersions: new Map(config.defaultVersion ? [['m', config.defaultVersion]] : []),
        canary: config.canary ? [{ model: 'm', version: config.canary, percent: 10 }] : [],
        loadRetryMs: 1000,
        policyStore: await backend.store(),
      });
      registries.push(registry);
      await registry.startPolicy();
      return registry;
    }

    beforeEach(async () => {
      backend = await makeBackend();
    });

    afterEach(async () => {
      await Promise.all(registries.splice(0).map((r) => r.dispose()));
      await backend.cleanup();
    });

    it('seeds the store with the first replica configuration; later replicas adopt what is stored', async () => {
      const first = await replica({ defaultVersion: 'v2', canary: 'v3' });
      const second = await replica({ defaultVersion: 'v1' });
      expect(second.get('m')).toMatchObject({ defaultVersion: 'v2', canary: { version: 'v3', percent: 10 } });
      expect(first.get('m')).toMatchObject({ defaultVersion: 'v2', canary: { version: 'v3', percent: 10 } });
    });

    it('applies a change made on one replica on the other, reporting it as a change event once', async () => {
      const a = await replica();
      const b = await replica();
      const seen: RegistryEvent[] = [];
      b.on('change', (e) => seen.push(e));
      await a.setTrafficPolicy({ model: 'm', canary: { version: 'v2', percent: 40 } });
      await until(() => b.get('m').canary?.percent === 40, 'replica b to see the canary');
      await a.setTrafficPolicy({ model: 'm', defaultVersion: 'v3', canary: null });
      await until(() => b.get('m').defaultVersion === 'v3', 'replica b to see the new default');
      expect(b.get('m')).toMatchObject({ defaultVersion: 'v3', canary: undefined });
      expect(seen.map((e) => [e.kind, e.model.defaultVersion, e.model.canary?.percent])).toEqual([
        ['POLICY_CHANGED', 'v1', 40],
        ['POLICY_CHANGED', 'v3', undefined],
      ]);
    });

    it('ends with every replica on the last change when replicas change the policy at the same time', async () => {
      const a = await replica();
      const b = await replica();
      await Promise.all([
        a.setTrafficPolicy({ model: 'm', canary: { version: 'v2', percent: 5 } }),
        b.setTrafficPolicy({ model: 'm', canary: { version: 'v3', percent: 7 } }),
        a.setTrafficPolicy({ model: 'm', canary: { version: 'v2', percent: 9 } }),
      ]);
      const reader = await backend.store();
      const last = (await reader.load().finally(() => reader.dispose())).policies.get('m');
      await until(
        () => a.get('m').canary?.percent === last?.canary?.percent && b.get('m').canary?.percent === last?.canary?.percent,
        'both replicas on the stored policy',
      );
    });

    it('keeps both of two changes to different fields made at the same time on different replicas', async () => {
      const a = await replica();
      const b = await replica();
      await Promise.all([
        a.setTrafficPolicy({ model: 'm', canary: { version: 'v2', percent: 40 } }),
        b.setTrafficPolicy({ model: 'm', defaultVersion: 'v3' }),
      ]);
      const both = { defaultVersion: 'v3', canary: { version: 'v2', percent: 40 } };
      await until(() => a.get('m').defaultVersion === 'v3' && a.get('m').canary?.percent === 40, 'replica a to have both changes');
      await until(() => b.get('m').defaultVersion === 'v3' && b.get('m').canary?.percent === 40, 'replica b to have both changes');
      expect(a.get('m')).toMatchObject(both);
    });

    it('unloads a version on every replica when one unloads it, keeps it unloaded for a replica that starts later, and loads it again on all', async () => {
      const a = await replica();
      const b = await replica();
      await b.acquire('m', 'v3');
      const seen: RegistryEvent[] = [];
      b.on('change', (e) => seen.push(e));
      const state = (r: ModelRegistry): string | undefined => r.get('m').versions.find((v) => v.version === 'v3')?.state;
      await a.unload('m', 'v3');
      await until(() => state(b) === 'UNLOADED', 'replica b to unload v3');
      await expect(b.acquire('m', 'v3')).rejects.toThrow('m:v3 is unloaded; load it with loadModelVersion');
      await expect(b.setTrafficPolicy({ model: 'm', defaultVersion: 'v3' })).rejects.toMatchObject({ code: 'MODEL_VERSION_IN_USE' });
      const later = await replica();
      expect(later.get('m').versions.find((v) => v.version === 'v3')).toMatchObject({ state: 'UNLOADED', unloaded: true });
      await a.load('m', 'v3');
      await until(() => state(b) === 'LOADED', 'replica b to load v3 again');
      await expect(later.acquire('m', 'v3')).resolves.toBeDefined();
      expect(seen.map((e) => e.kind)).toEqual(['VERSION_UNLOADED', 'VERSION_LOADED']);
    });

    it('loads again on every replica a version one reloads; a replica started later loads it on first use only', async () => {
      const counted = (count: { loads: number }) => (): Promise<LoadedModel> => {
        count.loads += 1;
        return Promise.resolve(loaded);
      };
      const onB = { loads: 0 };
      const a = await replica();
      const b = await replica({}, undefined, counted(onB));
      await b.acquire('m', 'v1');
      await a.load('m', 'v1');
      await until(() => onB.loads === 2, 'replica b to load v1 again');
      // Once b has applied a later change too, it has still loaded v1 only twice: following the policy does not reload it again.
      await a.setTrafficPolicy({ model: 'm', canary: { version: 'v2', percent: 5 } });
      await until(() => b.get('m').canary?.percent === 5, 'replica b to see a later change');
      expect(onB.loads).toBe(2);
      const onLater = { loads: 0 };
      const later = await replica({}, undefined, counted(onLater));
      expect(later.get('m').versions[0]).toMatchObject({ state: 'UNLOADED', unloaded: false });
      expect(onLater.loads).toBe(0);
      await later.acquire('m', 'v1');
      expect(onLater.loads).toBe(1);
    });

    it('shares the loads of a version named like a property of every object (constructor), and changes the model after', async () => {
      const versions = ['v1', 'constructor', 'tostring'];
      const a = await replica({}, versions);
      const b = await replica({}, versions);
      await b.acquire('m', 'constructor');
      const loadedAt = b.get('m').versions[1]?.loadedAt;
      await a.load('m', 'constructor');
      await a.load('m', 'constructor');
      await until(() => b.get('m').versions[1]?.loadedAt !== loadedAt, 'replica b to load constructor again');
      await b.unload('m', 'tostring');
      await a.setTrafficPolicy({ model: 'm', defaultVersion: 'constructor' });
      await until(() => b.get('m').defaultVersion === 'constructor', 'replica b to see constructor the default');
      expect(a.get('m').versions[2]).toMatchObject({ unloaded: true });
    });

    it('ignores a stored policy naming a version this replica does not have, and keeps serving its own', async () => {
      const newer = await replica({}, ['v1', 'v2', 'v3']);
      const older = await replica({}, ['v1', 'v2']);
      const olderDefaults: string[] = [];
      older.on('change', (e) => olderDefaults.push(e.model.defaultVersion));
      await newer.setTrafficPolicy({ model: 'm', defaultVersion: 'v3' });
      await until(() => newer.get('m').defaultVersion === 'v3', 'the change applied where it was made');
      // The older replica never takes v3: a later change it can serve arrives after v3 would have, and is the only one it takes.
      await newer.setTrafficPolicy({ model: 'm', defaultVersion: 'v2' });
      await until(() => older.get('m').defaultVersion === 'v2', 'the older replica to follow a policy it can serve');
      expect(olderDefaults).toEqual(['v2']);
    });
  });
}
