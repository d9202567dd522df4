import { predictionCacheKey } from './key';

describe('predictionCacheKey', () => {
  it('is the same for canonically equal inputs', () => {
    expect(predictionCacheKey('numeric', 'v1', { features: [1, -0, 2.5] })).toBe(
      predictionCacheKey('numeric', 'v1', { features: [1.0, 0, 2.5] }),
    );
    expect(predictionCacheKey('sentiment', 'v1', { text: 'cafe\u0301' })).toBe(
      predictionCacheKey('sentiment', 'v1', { text: 'caf\u00e9' }),
    );
  });

  it('differs by model, version, input kind and content', () => {
    const keys = [
      predictionCacheKey('numeric', 'v1', { features: [1, 2] }),
      predictionCacheKey('numeric', 'v2', { features: [1, 2] }),
      predictionCacheKey('other', 'v1', { features: [1, 2] }),
      predictionCacheKey('numeric', 'v1', { features: [12] }),
      predictionCacheKey('numeric', 'v1', { text: '1,2' }),
      predictionCacheKey('sentiment', 'v1', { text: 'Hello' }),
      predictionCacheKey('sentiment', 'v1', { text: 'hello' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
