/**
 * ioredis clients with the settings every InferGraph use of Redis needs:
 * commands fail fast while disconnected (no offline queue, a command timeout)
 * so nothing hangs on a Redis outage, and the client reconnects by itself
 * with a capped backoff. Keys and channels are always prefixed by the caller.
 */
import { Redis } from 'ioredis';
import type { RedisStatus } from 'ioredis';

import { int, str } from './config';
import type { Logger } from './logger';

/**
 * REDIS_URL, REDIS_PREFIX and REDIS_TIMEOUT_MS, for every service that uses
 * Redis: the same names, defaults and ranges everywhere, so replicas of
 * different services agree on where their keys live. `docs` say what the
 * service keeps there and what happens when a command times out; a service
 * off the request path (a rare admin write) may wait longer by default.
 */
export function redisSettings(docs: { url: string; prefix: string; timeout: string }, timeoutDefaultMs = 100) {
  return {
    redisUrl: str('REDIS_URL', '', docs.url),
    redisPrefix: str('REDIS_PREFIX', 'infergraph:', docs.prefix),
    redisTimeoutMs: int('REDIS_TIMEOUT_MS', timeoutDefaultMs, docs.timeout, { min: 1, max: 60_000 }),
  };
}

export interface RedisClientOptions {
  readonly url: string;
  /** Longest a command may take before it fails, in milliseconds. */
  readonly commandTimeoutMs: number;
  /** Subscriber connections queue SUBSCRIBE until connected and resubscribe after a reconnect. */
  readonly subscriber?: boolean;
  readonly logger?: Logger;
}

const MAX_RECONNECT_DELAY_MS = 1000;
const DISCONNECT_TIMEOUT_MS = 200;

export function createRedisClient(options: RedisClientOptions): Redis {
  const client = new Redis(options.url, {
    enableOfflineQueue: options.subscriber === true,
    autoResubscribe: true,
    maxRetriesPerRequest: options.subscriber ? null : 0,
    commandTimeout: options.subscriber ? undefined : options.commandTimeoutMs,
    connectTimeout: Math.max(options.commandTimeoutMs, 1000),
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // After disconnect() during a reconnect, ioredis keeps a timer this long (2 s by default).
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    lazyConnect: false,
  });
  let lastLogged = 0;
  client.on('error', (err: Error) => {
    // ioredis emits an error per failed reconnect attempt: log at most one a second.
    const now = Date.now();
    if (now - lastLogged > 1000) {
      lastLogged = now;
      options.logger?.warn({ err: err.message }, 'redis unavailable; retrying');
    }
  });
  return client;
}

/** How long a service waits at start-up for Redis before it starts without it (and heals later). */
const STARTUP_WAIT_MS = 2000;

/**
 * A client as createRedisClient makes it, once connected, so the first
 * requests after start-up do not run uncached while it connects. If Redis
 * does not answer within STARTUP_WAIT_MS the service starts anyway.
 */
export async function connectRedisClient(options: RedisClientOptions): Promise<Redis> {
  const client = createRedisClient(options);
  if (client.status !== 'ready') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        options.logger?.warn({ waitedMs: STARTUP_WAIT_MS }, 'redis not ready at start-up; starting without it');
        done();
      }, STARTUP_WAIT_MS);
      const done = (): void => {
        clearTimeout(timer);
        client.off('ready', done);
        resolve();
      };
      client.once('ready', done);
    });
  }
  return client;
}

const CLOSE_TIMEOUT_MS = 1000;

/**
 * Closes a client made by createRedisClient without ever hanging: QUIT when
 * connected, so Redis answers what is in flight first; otherwise, or when the
 * connection drops first or QUIT fails or takes over a second, drop the
 * socket. Resolves once the client has let go of its connection.
 *
 * QUIT is not sent while disconnected: with an offline queue it would wait
 * for a connection that may never come, and without one it is refused while
 * the client goes on reconnecting. A client disconnected while "reconnecting"
 * stops retrying but never reaches "end" (ioredis 6), so that case resolves
 * without waiting for it.
 */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  if (client.status === 'ready') {
    const dropped = new Promise<boolean>((resolve) => client.once('close', () => resolve(false)));
    const quitted = client.quit().then(
      () => true,
      () => false,
    );
    if ((await withTimeout(Promise.race([quitted, dropped]), CLOSE_TIMEOUT_MS)) === true) {
      await withTimeout(ended, CLOSE_TIMEOUT_MS);
      return;
    }
  }
  const status = statusNow(client);
  if (status === 'end') return;
  const reconnecting = status === 'reconnecting';
  client.disconnect();
  if (!reconnecting) await withTimeout(ended, CLOSE_TIMEOUT_MS);
}

/** The status as it is now (TypeScript would keep it narrowed across an await). */
function statusNow(client: Redis): RedisStatus {
  return client.status;
}

/** `promise`'s value, or undefined when it takes longer than `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
