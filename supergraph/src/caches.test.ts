import { parse } from 'graphql';

import { documentCache } from './caches';

describe('the parsed-document cache', () => {
  it('keeps documents up to its size in MiB and lets the least recently used go past it', async () => {
    // Each document's JSON is a little over half a MiB: two do not fit in one MiB.
    const document = (field: string) => parse(`{ ${`${field} `.repeat(4_000)}}`);
    const bytes = Buffer.byteLength(JSON.stringify(document('a')));
    expect(bytes).toBeGreaterThan(512 * 1024);
    expect(bytes).toBeLessThan(1024 * 1024);
    const cache = documentCache(1);
    await cache.set('a', document('a'));
    expect(await cache.get('a')).toBeDefined();
    await cache.set('b', document('b'));
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBeDefined();
  });
});
