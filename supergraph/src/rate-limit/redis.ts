/**
 * Token buckets in Redis, shared by every supergraph replica. One Lua script
 * reads, refills, takes and writes a bucket atomically; the bucket expires
 * once it would be full again. If Redis cannot answer, the limiter lets the
 * operation through (and logs it): an outage must not take the API down.
 */
import type { Redis } from 'ioredis';

import { closeRedisClient } from '../../../lib/redis';
import type { Logger } from '../../../lib/logger';
import type { BucketOptions, RateDecision, RateLimiter } from './limiter';

// KEYS[1] bucket; ARGV: now ms, tokens per ms, burst. Returns {allowed 0|1, retry after ms}.
const TAKE = `
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updatedAt')
local tokens = burst
if state[1] then
  tokens = math.min(burst, tonumber(state[1]) + (now - tonumber(state[2])) * rate)
end
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updatedAt', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return {allowed, retry}
`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly options: BucketOptions,
    private readonly logger: Logger,
  ) {}

  async take(key: string): Promise<RateDecision> {
    try {
      const [allowed, retryMs] = (await this.client.eval(TAKE, 1, `${this.prefix}${key}`, Date.now(), this.options.perMinute / 60_000, this.options.burst)) as [number, number];
      return { allowed: allowed === 1, retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryMs / 1000)) };
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'rate limiter unavailable; letting the operation through');
      return { allowed: true, retryAfterSeconds: 0 };
    }
  }

  dispose(): Promise<void> {
    return closeRedisClient(this.client);
  }
}
