/**
 * Nonces of signed subgraph requests seen within the signature window. A
 * signed request whose nonce was already claimed is a replay. In memory for
 * one replica, in Redis when REDIS_URL is set so every replica agrees.
 */

/** `fresh`: first seen, now recorded; `replayed`: seen before and not expired; `full`: cannot be recorded, so cannot be accepted. */
export type NonceClaim = 'fresh' | 'replayed' | 'full';

export interface NonceStore {
  /** Records `nonce` for `ttlMs`, atomically: of two claims of one nonce, one is fresh. */
  claim(nonce: string, ttlMs: number): Promise<NonceClaim>;
  dispose(): Promise<void>;
}
