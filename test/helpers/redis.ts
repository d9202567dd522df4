/**
 * Tests that need the shared Redis (stack/redis.ts: REDIS_URL, default redis://127.0.0.1:6379).
 *
 * Jest collects tests synchronously, so `describeRedis` cannot await a
 * connection: it asks `redis-cli` once per test file, synchronously, with a
 * 1 s timeout. Without Redis the suite is skipped with a loud warning, except
 * in CI (CI=true) where it fails instead, so a missing Redis never passes
 * unnoticed. Tests never flush the shared Redis: each uses its own key prefix.
 */
import { execFileSync } from 'node:child_process';

import type { Redis } from 'ioredis';

import { harnessConfig } from '../../stack/config';
import { redisUrl } from '../../stack/redis';

const PING_TIMEOUT_MS = 1000;

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
 * The command timeout of clients on a healthy Redis in tests: far past what a loaded 2-CPU machine takes, so that a
 * slow moment is not read as an outage. Tests of the timeout itself set their own, short one.
 */
export const HEALTHY_REDIS_TIMEOUT_MS = 5000;

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
  if (harnessConfig().ci) {
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
