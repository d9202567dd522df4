/// <reference types="jest" />
/** What every NonceStore must do; run against each implementation. */
import { randomBytes } from 'node:crypto';

import { until } from '../until';
import type { NonceStore } from './nonce-store';

const nonce = (): string => randomBytes(16).toString('base64url');

export function nonceStoreContract(name: string, make: (maxEntries: number) => Promise<NonceStore>): void {
  describe(`${name} nonce store`, () => {
    let store: NonceStore | undefined;
    afterEach(async () => {
      await store?.dispose();
      store = undefined;
    });

    it('claims a nonce once: a second claim within its TTL is a replay', async () => {
      store = await make(100);
      const n = nonce();
      expect(await store.claim(n, 60_000)).toBe('fresh');
      expect(await store.claim(n, 60_000)).toBe('replayed');
      expect(await store.claim(nonce(), 60_000)).toBe('fresh');
    });

    it('of many concurrent claims of one nonce, exactly one is fresh', async () => {
      const s = (store = await make(100));
      const n = nonce();
      const claims = await Promise.all(Array.from({ length: 20 }, () => s.claim(n, 60_000)));
      expect(claims.filter((c) => c === 'fresh')).toHaveLength(1);
      expect(claims.filter((c) => c === 'replayed')).toHaveLength(19);
    });

    it('forgets a nonce once its TTL has passed', async () => {
      store = await make(100);
      const n = nonce();
      const s = store;
      expect(await s.claim(n, 50)).toBe('fresh');
      // The nonce is claimable again once it expires; until then each attempt is a replay.
      await until(async () => (await s.claim(n, 50)) === 'fresh', 'the nonce to expire');
    });
  });
}
