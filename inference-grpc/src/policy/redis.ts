/**
 * The traffic policy in Redis, shared by every inference replica:
 *
 *   ${prefix}policy            hash: model → JSON policy with its epoch and revision (its unloaded versions,
 *                              comma-separated, and its load counts, "v3=2,v4=1"; a policy stored without them has none)
 *   ${prefix}policy:revision   counter the revisions come from
 *   ${prefix}policy:epoch      a random id, set when the first policy is stored
 *   ${prefix}policy            channel: every change, as JSON with its model
 *
 * A change is checked (compare-and-set on the revision it was made from),
 * stored and published by one Lua script, so messages leave in the order the
 * changes were made and no change is stored unannounced. When Redis loses
 * the keys (restarted without persistence, flushed), the next script to run
 * finds no epoch and starts a new one: replicas see the new epoch and count
 * revisions from it. The keys have no TTL: run Redis with a noeviction or
 * volatile-* maxmemory policy so they are never evicted one by one. Pub/sub
 * keeps nothing for a disconnected subscriber, so after every (re)connection
 * the watcher is told to read everything again.
 */
import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

import { InferGraphError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import { closeRedisClient } from '../../../lib/redis';
import type { PolicyBase, PolicyStore, PolicyWatcher, SaveResult, StoredPolicies, StoredPolicy, TrafficPolicy } from './store';

export interface RedisPolicyStoreOptions {
  /** Made with createRedisClient (fails fast). Owned: dispose() quits it. */
  readonly client: Redis;
  /** Made with createRedisClient({ subscriber: true }). Owned: dispose() quits it. */
  readonly subscriber: Redis;
  /** Put before every key and the channel, e.g. "infergraph:". */
  readonly prefix: string;
  /** REDIS_TIMEOUT_MS: a command past it may still have run; the caller is told so. */
  readonly commandTimeoutMs: number;
  readonly logger?: Logger;
}

// KEYS: hash, revision counter, epoch.
// ARGV: model, default version, canary version ('' for none), canary percent, channel, epoch to start if none,
//       unloaded versions (comma-separated), load counts ("v3=2,v4=1"), and for SAVE the base it was made from:
//       epoch, revision.
// Both answer { conflict 0|1, stored JSON }.
const PRELUDE = `
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  epoch = ARGV[6]
  redis.call('SET', KEYS[3], epoch)
end
local current = redis.call('HGET', KEYS[1], ARGV[1])`;

const STORE_AND_PUBLISH = `
local revision = redis.call('INCR', KEYS[2])
local value = cjson.encode({ defaultVersion = ARGV[2], canaryVersion = ARGV[3], canaryPercent = tonumber(ARGV[4]), unloaded = ARGV[7], loads = ARGV[8], epoch = epoch, revision = revision })
redis.call('HSET', KEYS[1], ARGV[1], value)
redis.call('PUBLISH', ARGV[5], cjson.encode({ model = ARGV[1], policy = value }))
return { 0, value }`;

const SEED = `${PRELUDE}
if current then return { 0, current } end
${STORE_AND_PUBLISH}`;

const SAVE = `${PRELUDE}
if current then
  local stored = cjson.decode(current)
  if stored.epoch ~= ARGV[9] or stored.revision ~= tonumber(ARGV[10]) then return { 1, current } end
end
${STORE_AND_PUBLISH}`;

interface WirePolicy {
  readonly defaultVersion: string;
  readonly canaryVersion: string;
  readonly canaryPercent: number;
  /** Comma-separated; absent in policies stored before versions could be unloaded. */
  readonly unloaded?: string;
  /** "v3=2,v4=1"; absent in policies stored before loads were shared. */
  readonly loads?: string;
  readonly epoch: string;
  readonly revision: number;
}

function parseLoads(loads: string, raw: string): Record<string, number> {
  // No prototype: a version may be named like one of Object's own properties (`constructor`).
  const counts = Object.create(null) as Record<string, number>;
  for (const entry of loads.split(',')) {
    const [version, count] = entry.split('=');
    if (!version || !count || !/^[1-9][0-9]*$/.test(count)) throw new Error(`not a stored traffic policy: ${raw.slice(0, 200)}`);
    counts[version] = Number(count);
  }
  return counts;
}

function parsePolicy(raw: string): StoredPolicy {
  const wire = JSON.parse(raw) as Partial<WirePolicy>;
  if (
    typeof wire.defaultVersion !== 'string' ||
    typeof wire.canaryVersion !== 'string' ||
    typeof wire.canaryPercent !== 'number' ||
    (wire.unloaded !== undefined && typeof wire.unloaded !== 'string') ||
    (wire.loads !== undefined && typeof wire.loads !== 'string') ||
    typeof wire.epoch !== 'string' ||
    typeof wire.revision !== 'number'
  ) {
    throw new Error(`not a stored traffic policy: ${raw.slice(0, 200)}`);
  }
  return {
    defaultVersion: wire.defaultVersion,
    canary: wire.canaryVersion === '' ? undefined : { version: wire.canaryVersion, percent: wire.canaryPercent },
    unloaded: wire.unloaded ? wire.unloaded.split(',') : [],
    loads: wire.loads ? parseLoads(wire.loads, raw) : {},
    epoch: wire.epoch,
    revision: wire.revision,
  };
}

export class RedisPolicyStore implements PolicyStore {
  readonly kind = 'redis';
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly hash: string;
  private readonly counter: string;
  private readonly epochKey: string;
  private readonly channel: string;
  private readonly commandTimeoutMs: number;
  private readonly logger: Logger | undefined;
  private watcher: PolicyWatcher | undefined;
  private disposed = false;

  constructor(options: RedisPolicyStoreOptions) {
    if (options.prefix === '')
      throw new Error('RedisPolicyStore needs a non-empty key prefix, e.g. "infergraph:", so its keys cannot collide with others');
    if (options.client === options.subscriber)
      throw new Error('RedisPolicyStore needs two clients: the subscriber must not be the command client');
    this.client = options.client;
    this.subscriber = options.subscriber;
    this.hash = `${options.prefix}policy`;
    this.counter = `${options.prefix}policy:revision`;
    this.epochKey = `${options.prefix}policy:epoch`;
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.channel = `${options.prefix}policy`;
    this.logger = options.logger;
  }

  async load(): Promise<StoredPolicies> {
    // One MULTI, so the epoch read is the one the hash was read in.
    const [all, epoch] = await this.command('read the traffic policy', async () => {
      const replies = await this.client.multi().hgetall(this.hash).get(this.epochKey).exec();
      const [hash, got] = replies ?? [];
      if (!hash || !got || hash[0] || got[0]) throw hash?.[0] ?? got?.[0] ?? new Error('MULTI was discarded');
      return [hash[1] as Record<string, string>, typeof got[1] === 'string' ? got[1] : ''] as const;
    });
    const policies = new Map<string, StoredPolicy>();
    for (const [model, raw] of Object.entries(all)) {
      try {
        policies.set(model, parsePolicy(raw));
      } catch (err) {
        this.logger?.warn({ model, err: (err as Error).message }, 'unreadable stored traffic policy skipped');
      }
    }
    return { policies, epoch };
  }

  async seed(model: string, policy: TrafficPolicy): Promise<StoredPolicy> {
    return (await this.run(SEED, model, policy, [], 'store the start-up traffic policy')).stored;
  }

  save(model: string, policy: TrafficPolicy, base: PolicyBase): Promise<SaveResult> {
    return this.run(SAVE, model, policy, [base.epoch, String(base.revision)], 'store the traffic policy change');
  }

  watch(watcher: PolicyWatcher): void {
    if (this.watcher) throw new Error('RedisPolicyStore already has a watcher; each registry owns its own store');
    this.watcher = watcher;
    this.subscriber.on('message', this.onMessage);
    this.subscriber.on('ready', this.onReady);
    this.client.on('ready', this.onReady);
    // Queued until connected; resubscribed by ioredis after every reconnect.
    this.subscriber
      .subscribe(this.channel)
      .catch((err: Error) => this.logger?.warn({ err: err.message }, 'redis SUBSCRIBE to the policy channel failed'));
    this.onReady();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('ready', this.onReady);
    this.client.off('ready', this.onReady);
    this.watcher = undefined;
    await Promise.all([closeRedisClient(this.client), closeRedisClient(this.subscriber)]);
  }

  private async run(script: string, model: string, policy: TrafficPolicy, base: readonly string[], what: string): Promise<SaveResult> {
    const reply = await this.command(what, () =>
      this.client.eval(
        script,
        3,
        this.hash,
        this.counter,
        this.epochKey,
        model,
        policy.defaultVersion,
        policy.canary?.version ?? '',
        String(policy.canary?.percent ?? 0),
        this.channel,
        randomUUID(),
        (policy.unloaded ?? []).join(','),
        Object.entries(policy.loads ?? {})
          .map(([version, count]) => `${version}=${count}`)
          .join(','),
        ...base,
      ),
    );
    const [conflict, raw] = reply as [number, string];
    return { stored: parsePolicy(raw), conflict: conflict === 1 };
  }

  private async command<T>(what: string, send: () => Promise<T>): Promise<T> {
    if (this.client.status !== 'ready') {
      throw new InferGraphError(
        'INFERENCE_UNAVAILABLE',
        `could not ${what}: Redis, where the replicas share it, is not connected (${this.client.status}); nothing changed`,
      );
    }
    try {
      return await send();
    } catch (err) {
      const message = (err as Error).message;
      // A command that timed out may still have run: say so rather than claim nothing changed.
      const outcome = /timed out/i.test(message)
        ? `Redis did not answer within REDIS_TIMEOUT_MS (${this.commandTimeoutMs} ms), so it may or may not have been done; read the model to see`
        : `Redis, where the replicas share it, failed: ${message}`;
      throw new InferGraphError('INFERENCE_UNAVAILABLE', `could not ${what}: ${outcome}`);
    }
  }

  /**
   * Once both connections are up after a (re)connection of either. ioredis
   * resubscribes on the subscriber connection as it comes up; a PING answered
   * after that means the subscription is active again, so nothing published
   * from then on is missed while the watcher reads the hash.
   */
  private readonly onReady = (): void => {
    setImmediate(() => {
      if (this.disposed || this.client.status !== 'ready' || this.subscriber.status !== 'ready') return;
      this.subscriber.ping().then(
        () => this.watcher?.reconnected(),
        () => undefined, // dropped again: the next 'ready' tries once more
      );
    });
  };

  private readonly onMessage = (channel: string, raw: string): void => {
    if (channel !== this.channel) return;
    try {
      const message = JSON.parse(raw) as { model?: unknown; policy?: unknown };
      if (typeof message.model !== 'string' || typeof message.policy !== 'string') throw new Error('expected {model, policy}');
      this.watcher?.changed(message.model, parsePolicy(message.policy));
    } catch (err) {
      this.logger?.warn({ err: (err as Error).message, length: raw.length }, 'unreadable traffic policy message skipped');
    }
  };
}
