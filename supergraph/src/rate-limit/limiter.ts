/**
 * Token-bucket rate limits per caller: each caller has `burst` tokens,
 * refilled at `perMinute` a minute; an operation takes one. In memory by
 * default, in Redis (atomically, keys prefixed) when REDIS_URL is set, so
 * every supergraph replica draws from the same bucket.
 */
export interface RateDecision {
  readonly allowed: boolean;
  /** When the next token is due, when not allowed; 0 otherwise. */
  readonly retryAfterSeconds: number;
}

export interface RateLimiter {
  take(key: string): Promise<RateDecision>;
  dispose(): Promise<void>;
}

export interface BucketOptions {
  readonly perMinute: number;
  readonly burst: number;
}

/** The bucket arithmetic both implementations share: `tokens` as of `now`, after taking one if it can. */
export function drawToken(
  state: { tokens: number; updatedAt: number } | undefined,
  now: number,
  options: BucketOptions,
): { tokens: number; updatedAt: number; decision: RateDecision } {
  const perMs = options.perMinute / 60_000;
  const tokens = state ? Math.min(options.burst, state.tokens + (now - state.updatedAt) * perMs) : options.burst;
  if (tokens >= 1) return { tokens: tokens - 1, updatedAt: now, decision: { allowed: true, retryAfterSeconds: 0 } };
  return { tokens, updatedAt: now, decision: { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) } };
}

/** The bucket of a caller: its identity, or its address when auth is off (everyone is "anonymous" then). */
export function rateKeyOf(identity: { subject: string } | string, remoteAddress: string): string {
  if (typeof identity === 'string' || identity.subject === 'anonymous') return `address:${remoteAddress}`;
  return `caller:${identity.subject}`;
}
