import { ConfigError } from '../../../lib/config';
import type { LoadedModel, ModelDefinition } from '../models/types';
import { ModelRegistry } from './model-registry';
import type { RegistryEvent } from './model-registry';

const loaded: LoadedModel = {
  run: (inputs) => Promise.resolve(inputs.map(() => ({ kind: 'numeric', classId: 0, probability: 1, label: 'low' }))),
};

function catalog(load: () => Promise<LoadedModel> = () => Promise.resolve(loaded)): ModelDefinition[] {
  return [
    {
      name: 'm',
      description: 'test model',
      inputKind: 'FEATURES',
      defaultVersion: 'v1',
      canary: undefined,
      versions: [
        { version: 'v1', description: 'one', load },
        { version: 'v2', description: 'two', load },
      ],
    },
  ];
}

const options = { defaultVersions: new Map<string, string>(), canary: [], loadRetryMs: 1000 };

describe('ModelRegistry', () => {
  it('loads a version once, even when many calls ask for it at the same time', async () => {
    let loads = 0;
    const registry = new ModelRegistry(
      catalog(async () => {
        loads += 1;
        await new Promise((r) => setTimeout(r, 10));
        return loaded;
      }),
      options,
    );
    await Promise.all([registry.acquire('m', 'v1'), registry.acquire('m', 'v1'), registry.acquire('m', 'v1')]);
    expect(loads).toBe(1);
    expect(registry.get('m').versions.map((v) => v.state)).toEqual(['LOADED', 'UNLOADED']);
  });

  it('loads every version with loadAll', async () => {
    const registry = new ModelRegistry(catalog(), options);
    await registry.loadAll();
    expect(registry.get('m').versions.map((v) => v.state)).toEqual(['LOADED', 'LOADED']);
  });

  it('after a failed load, fails fast until the retry window passes, then tries again', async () => {
    let now = 0;
    let attempts = 0;
    const registry = new ModelRegistry(
      catalog(() => {
        attempts += 1;
        return attempts < 2 ? Promise.reject(new Error('disk error')) : Promise.resolve(loaded);
      }),
      { ...options, now: () => now },
    );
    const events: RegistryEvent[] = [];
    registry.on('change', (e) => events.push(e));
    await expect(registry.acquire('m', 'v1')).rejects.toMatchObject({
      code: 'INFERENCE_UNAVAILABLE',
      message: 'm:v1 failed to load (disk error)',
    });
    now = 999;
    for (let i = 0; i < 100; i += 1) await expect(registry.acquire('m', 'v1')).rejects.toThrow('next attempt in 1 s');
    expect(attempts).toBe(1);
    now = 1000;
    await expect(registry.acquire('m', 'v1')).resolves.toBe(loaded);
    expect(attempts).toBe(2);
    expect(events.map((e) => e.kind)).toEqual(['VERSION_FAILED', 'VERSION_LOADED']);
  });

  it('rejects start-up policies naming unknown models or versions, naming the variable', () => {
    expect(() => new ModelRegistry(catalog(), { ...options, defaultVersions: new Map([['m', 'v3']]) })).toThrow(ConfigError);
    expect(() => new ModelRegistry(catalog(), { ...options, canary: [{ model: 'x', version: 'v2', percent: 5 }] })).toThrow(
      'CANARY: unknown model x; models are m',
    );
    expect(() => new ModelRegistry(catalog(), { ...options, canary: [{ model: 'm', version: 'v1', percent: 5 }] })).toThrow(
      'CANARY: m:v1 is already the default version',
    );
  });

  it('applies the start-up default and canary', () => {
    const registry = new ModelRegistry(catalog(), {
      ...options,
      defaultVersions: new Map([['m', 'v2']]),
      canary: [{ model: 'm', version: 'v1', percent: 10 }],
    });
    expect(registry.get('m')).toMatchObject({ defaultVersion: 'v2', canary: { version: 'v1', percent: 10 } });
    expect(registry.resolve('m', '').version).toBe('v2');
  });

  it('keeps what a policy change leaves out', async () => {
    const registry = new ModelRegistry(catalog(), options);
    await registry.setTrafficPolicy({ model: 'm', canary: { version: 'v2', percent: 30 } });
    expect(await registry.setTrafficPolicy({ model: 'm' })).toMatchObject({ defaultVersion: 'v1', canary: { version: 'v2', percent: 30 } });
    expect((await registry.setTrafficPolicy({ model: 'm', canary: null })).canary).toBeUndefined();
  });
});
