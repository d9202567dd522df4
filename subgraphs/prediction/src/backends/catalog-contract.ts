/// <reference types="jest" />
/**
 * What every Catalog must do, as one jest suite that
 * infergraph/registry-catalog.test.ts and oip/metadata-catalog.test.ts run
 * against their implementation, in front of the real inference-grpc (which
 * speaks both protocols), so the two catalogs cannot drift apart.
 */
import { until } from '../../../../lib/until';
import type { ModelView } from '../domain';
import type { Catalog } from './backend';

/** The real inference-grpc's control of its versions (RepositoryModelLoad, RepositoryModelUnload). */
export interface VersionControl {
  load(model: string, version: string): Promise<unknown>;
  unload(model: string, version: string): Promise<unknown>;
}

export interface CatalogUnderTest {
  readonly catalog: Catalog;
  /** Disposes the catalog (if the test did not) and stops what it reads from. */
  readonly close: () => Promise<void>;
}

export interface CatalogFactory {
  /** How the catalog names itself in errors, e.g. "the model registry mirror". */
  readonly name: string;
  /**
   * A started catalog in front of an inference-grpc serving sentiment (text)
   * and numeric (features), each with versions v1 (default) and v2;
   * `canary` (model:version:percent) is the traffic policy, set wherever the
   * implementation reads it from.
   */
  reading(policy: { readonly canary?: string }): Promise<CatalogUnderTest & { readonly versions: VersionControl }>;
  /** A started catalog in front of an address where nothing listens: it never syncs. */
  unreachable(): CatalogUnderTest;
}

/**
 * The catalog's description of `name` once it has one: synced means it knows
 * a model, and the rest of its first read may still be arriving.
 */
async function described(catalog: Catalog, name: string): Promise<ModelView | undefined> {
  await until(() => catalog.get(name) !== undefined, `the catalog to describe ${name}`, 5000);
  return catalog.get(name);
}

/** Registers the shared Catalog suite. */
export function catalogContract(implementation: string, factory: CatalogFactory): void {
  describe(`${implementation} (Catalog contract)`, () => {
    it('syncs, then describes each model: input kind, versions, default and no canary', async () => {
      const { catalog, close } = await factory.reading({});
      try {
        await catalog.whenSynced();
        expect(catalog.synced).toBe(true);
        expect(await described(catalog, 'sentiment')).toMatchObject({
          name: 'sentiment',
          inputKind: 'TEXT',
          defaultVersion: 'v1',
          canary: null,
          versions: [
            { version: 'v1', default: true, canary: false },
            { version: 'v2', default: false, canary: false },
            { version: 'v3', default: false, canary: false },
          ],
        });
        expect(await described(catalog, 'numeric')).toMatchObject({ name: 'numeric', inputKind: 'FEATURES', defaultVersion: 'v1' });
        expect(catalog.get('vision')).toBeUndefined();
      } finally {
        await close();
      }
    });

    it('describes the canary of its traffic policy', async () => {
      const { catalog, close } = await factory.reading({ canary: 'sentiment:v2:25' });
      try {
        await catalog.whenSynced();
        expect(await described(catalog, 'sentiment')).toMatchObject({
          defaultVersion: 'v1',
          canary: { version: 'v2', percent: 25 },
          versions: [
            { version: 'v1', default: true, canary: false },
            { version: 'v2', default: false, canary: true },
            { version: 'v3', default: false, canary: false },
          ],
        });
        expect((await described(catalog, 'numeric'))?.canary).toBeNull();
      } finally {
        await close();
      }
    });

    it("tells each version's load: set once loaded and kept while it stays so, null once unloaded, later after it loads again", async () => {
      const { catalog, versions, close } = await factory.reading({});
      const loadedAt = (version: string): string | null | undefined =>
        catalog.get('numeric')?.versions.find((v) => v.version === version)?.loadedAt;
      try {
        await catalog.whenSynced();
        await versions.load('numeric', 'v1');
        await until(() => typeof loadedAt('v1') === 'string', 'numeric:v1 to show a loadedAt', 5000);
        const v1 = loadedAt('v1');
        await versions.load('numeric', 'v2');
        await until(() => typeof loadedAt('v2') === 'string', 'numeric:v2 to show a loadedAt', 5000);
        const first = loadedAt('v2') ?? '';
        expect(new Date(first).toISOString()).toBe(first);
        await versions.unload('numeric', 'v2');
        await until(() => loadedAt('v2') === null, 'numeric:v2 to show no loadedAt once unloaded', 5000);
        await versions.load('numeric', 'v2');
        await until(() => typeof loadedAt('v2') === 'string', 'numeric:v2 to show a loadedAt again', 5000);
        expect(Date.parse(loadedAt('v2') ?? '')).toBeGreaterThan(Date.parse(first));
        // v1 stayed loaded through every change (and every read of the catalog meanwhile).
        expect(loadedAt('v1')).toBe(v1);
      } finally {
        await close();
      }
    });

    it('rejects whenSynced when disposed before it synced, then and later', async () => {
      const { catalog, close } = factory.unreachable();
      try {
        expect(catalog.synced).toBe(false);
        const waiting = catalog.whenSynced();
        await expect(catalog.dispose()).resolves.toBeUndefined();
        await expect(waiting).rejects.toThrow(`${factory.name} was closed before it synced`);
        await expect(catalog.whenSynced()).rejects.toThrow('closed before it synced');
      } finally {
        await close();
      }
    });
  });
}
