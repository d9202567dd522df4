/**
 * Nonces in this process: right for one replica. Bounded: past `maxEntries`
 * unexpired nonces a claim is `full`, not a forgotten nonce, since forgetting
 * one early would let its request be replayed.
 */
import type { NonceClaim, NonceStore } from './nonce-store';

export class MemoryNonceStore implements NonceStore {
  /** Nonce → when it may be forgotten. Insertion order is claim order, so with one TTL the oldest expire first. */
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  claim(nonce: string, ttlMs: number): Promise<NonceClaim> {
    const now = this.now();
    const expiry = this.expiries.get(nonce);
    if (expiry !== undefined && expiry > now) return Promise.resolve('replayed');
    this.expiries.delete(nonce);
    if (this.expiries.size >= this.maxEntries) this.sweep(now);
    if (this.expiries.size >= this.maxEntries) return Promise.resolve('full');
    this.expiries.set(nonce, now + ttlMs);
    return Promise.resolve('fresh');
  }

  dispose(): Promise<void> {
    this.expiries.clear();
    return Promise.resolve();
  }

  get size(): number {
    return this.expiries.size;
  }

  /** Drops expired nonces from the oldest on, stopping at the first that lives: a full store costs no scan per claim. */
  private sweep(now: number): void {
    for (const [nonce, expiry] of this.expiries) {
      if (expiry > now) return;
      this.expiries.delete(nonce);
    }
  }
}
