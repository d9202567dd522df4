/**
 * Tests that need the shared Redis (REDIS_URL, default redis://127.0.0.1:6379).
 *
 * Jest collects tests synchronously, so `describeRedis` cannot await a
 * connection: it asks `redis-cli` once per test file, synchronously, with a
 * 1 s timeout. Without Redis the suite is skipped with a loud warning, except
 * in CI (CI=true) where it fails instead, so a missing Redis never passes
 * unnoticed. Tests never flush the shared Redis: each uses its own key prefix.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const PING_TIMEOUT_MS = 1000;

/** The shared Redis the tests use. */
export function redisUrl(): string {
  return process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
}

/** A key/channel prefix no other test uses, e.g. "test:3f9c2a7b1d04:". */
export function freshPrefix(): string {
  return `test:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` in the shared Redis, so a test leaves nothing behind. */
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

/** Whether the shared Redis answers PING within 1 s. */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(redisUrl(), {
    lazyConnect: true,
    connectTimeout: PING_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  const answered = client
    .connect()
    .then(() => client.ping())
    .then(
      (reply) => reply === 'PONG',
      () => false,
    );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Why the shared Redis cannot be used, or undefined when it answers. Asked once per test file. */
let unavailableReason: string | undefined | null = null;

function whyRedisUnavailable(): string | undefined {
  if (unavailableReason !== null) return unavailableReason;
  try {
    const answer = execFileSync('redis-cli', ['-u', redisUrl(), 'ping'], {
      timeout: PING_TIMEOUT_MS,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    unavailableReason = answer === 'PONG' ? undefined : `PING answered ${JSON.stringify(answer)}`;
  } catch (err) {
    const error = err as NodeJS.ErrnoException & { stderr?: string };
    if (error.code === 'ENOENT') unavailableReason = 'redis-cli is not installed, so the check could not run';
    else if (error.code === 'ETIMEDOUT') unavailableReason = `no answer within ${PING_TIMEOUT_MS} ms`;
    else unavailableReason = (error.stderr ?? '').trim() || error.message;
  }
  return unavailableReason;
}

/**
 * `describe` for tests that need the shared Redis: runs them when it answers,
 * fails in CI when it does not, otherwise skips them with a loud warning.
 */
export function describeRedis(name: string, fn: () => void): void {
  const reason = whyRedisUnavailable();
  if (reason === undefined) {
    describe(name, fn);
    return;
  }
  const url = redisUrl();
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Redis', () => {
        throw new Error(`Redis does not answer at ${url}; CI requires it (${reason}). Start Redis or set REDIS_URL.`);
      });
    });
    return;
  }
  console.warn(
    `\n*** Redis tests SKIPPED: "${name}" ***\n` +
      `*** Redis does not answer at ${url} (${reason}). ***\n` +
      `*** Start Redis or set REDIS_URL to run them; with CI=true they fail instead. ***\n`,
  );
  describe.skip(name, fn);
}

/** Resolves once `client` is ready; rejects after `timeoutMs` saying what its status was. */
export function whenReady(client: Redis, timeoutMs = 3000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`redis client not ready within ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    client.once('ready', onReady);
  });
}
