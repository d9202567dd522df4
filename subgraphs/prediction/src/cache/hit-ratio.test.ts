import type { ModelView } from '../domain';
import { CacheHitRatios } from './hit-ratio';

const sentiment: ModelView = {
  name: 'sentiment',
  inputKind: 'TEXT',
  defaultVersion: 'v1',
  canary: null,
  versions: [{ version: 'v1', state: 'LOADED', loadedAt: '2026-12-01T00:00:00.000Z', loadId: '0', default: true, canary: false }],
};

describe('CacheHitRatios', () => {
  it('is the share of predictions served from the cache over the window, per version the catalog knows', () => {
    let now = 1_700_000_000_000;
    const ratios = new CacheHitRatios({ get: (name) => (name === 'sentiment' ? sentiment : undefined) }, 5, () => now);
    expect(ratios.ratio('sentiment', 'v1')).toBeNull();
    ratios.predicted('sentiment', 'v1', false);
    ratios.predicted('sentiment', 'v1', true);
    ratios.predicted('sentiment', 'v1', true);
    ratios.predicted('sentiment', 'v1', true);
    expect(ratios.ratio('sentiment', 'v1')).toBe(0.75);
    // Versions the catalog does not know are not counted (nor kept).
    ratios.predicted('sentiment', 'v7', true);
    expect(ratios.ratio('sentiment', 'v7')).toBeNull();
    now += 5000;
    expect(ratios.ratio('sentiment', 'v1')).toBeNull();
  });
});
