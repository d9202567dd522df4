import { ConfigError } from '../../../lib/config';
import { loadModelsConfig } from './config';

describe('SUBGRAPH_SIGNATURE_WINDOW_MS and SUBGRAPH_NONCE_MAX_ENTRIES', () => {
  it('default to 60 s and 200 000, and refuse what is out of range', () => {
    expect(loadModelsConfig({})).toMatchObject({ signatureWindowMs: 60_000, nonceMaxEntries: 200_000 });
    expect(loadModelsConfig({ SUBGRAPH_SIGNATURE_WINDOW_MS: '1000', SUBGRAPH_NONCE_MAX_ENTRIES: '1' })).toMatchObject({
      signatureWindowMs: 1000,
      nonceMaxEntries: 1,
    });
    expect(() => loadModelsConfig({ SUBGRAPH_SIGNATURE_WINDOW_MS: '999' })).toThrow(ConfigError);
    expect(() => loadModelsConfig({ SUBGRAPH_NONCE_MAX_ENTRIES: '0' })).toThrow(ConfigError);
  });
});

describe('CATALOG_MAX_STALENESS_MS', () => {
  it('defaults to 10 s, and takes 100 ms to 1 h', () => {
    expect(loadModelsConfig({}).catalogMaxStalenessMs).toBe(10_000);
    expect(loadModelsConfig({ CATALOG_MAX_STALENESS_MS: '100' }).catalogMaxStalenessMs).toBe(100);
    expect(loadModelsConfig({ CATALOG_MAX_STALENESS_MS: '3600000' }).catalogMaxStalenessMs).toBe(3_600_000);
    expect(() => loadModelsConfig({ CATALOG_MAX_STALENESS_MS: '99' })).toThrow(ConfigError);
    expect(() => loadModelsConfig({ CATALOG_MAX_STALENESS_MS: '3600001' })).toThrow(ConfigError);
  });
});
