/**
 * Token buckets in Redis, shared by every supergraph replica. One Lua script
 * reads, refills, takes and writes a bucket atomically, on Redis's clock (so
 * replicas whose clocks differ agree); the bucket expires once it would be
 * full again. If Redis cannot answer, this replica limits on its own, in
 * memory, until Redis answers again: an outage must not take the API down,
 * nor lift the limits; a caller may then get one bucket per replica.
 */
import type { Redis } from 'ioredis';

import { closeRedisClient } from '../../../lib/redis';
import type { Logger } from '../../../lib/logger';
import type { BucketOptions, RateDecision, RateLimiter } from './limiter';
import { MemoryRateLimiter } from './memory';

/** While Redis fails, at most one warning this often. */
const WARN_EVERY_MS = 1000;

// KEYS[1] bucket; ARGV: tokens per ms, burst. Returns {allowed 0|1, retry after ms}.
const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
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
  private readonly fallback: MemoryRateLimiter;
  private lastWarned = 0;

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly options: BucketOptions,
    private readonly logger: Logger,
  ) {
    this.fallback = new MemoryRateLimiter(options);
  }

  async take(key: string): Promise<RateDecision> {
    try {
      const [allowed, retryMs] = (await this.client.eval(
        TAKE,
        1,
        `${this.prefix}${key}`,
        this.options.perMinute / 60_000,
        this.options.burst,
      )) as [number, number];
      return { allowed: allowed === 1, retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryMs / 1000)) };
    } catch (err) {
      const now = Date.now();
      if (now - this.lastWarned >= WARN_EVERY_MS) {
        this.lastWarned = now;
        this.logger.warn({ err: String(err) }, 'rate limiter cannot reach Redis; limiting in this replica alone until it answers');
      }
      return this.fallback.take(key);
    }
  }

  async dispose(): Promise<void> {
    await this.fallback.dispose();
    await closeRedisClient(this.client);
  }
}
