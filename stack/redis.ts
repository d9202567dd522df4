/**
 * The Redis the stack shares (REDIS_URL, default redis://127.0.0.1:6379):
 * where it is, whether it answers, and key prefixes that keep one run's keys
 * apart from every other's on it.
 */
import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';

import { closeRedisClient, connectRedisClient } from '../lib/redis';
import { harnessConfig } from './config';

export { DEFAULT_REDIS_URL } from './config';

/** The shared Redis: REDIS_URL of this process, or the default. */
export function redisUrl(): string {
  return harnessConfig().redisUrl;
}

/** A key/channel prefix no other run uses, e.g. "test:3f9c2a7b1d04:". */
export function freshPrefix(): string {
  return `test:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` in the shared Redis, so a run leaves nothing behind. */
export async function deletePrefix(prefix: string): Promise<void> {
  const client = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}

/** Whether Redis answers at `url` within connectRedisClient's start-up wait. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = await connectRedisClient({ url, commandTimeoutMs: 1000 });
  const ready = client.status === 'ready';
  await closeRedisClient(client);
  return ready;
}
