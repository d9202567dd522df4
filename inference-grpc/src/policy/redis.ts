/**
 * The traffic policy in Redis, shared by every inference replica:
 *
 *   ${prefix}policy            hash: model → JSON policy with its revision
 *   ${prefix}policy:revision   counter the revisions come from
 *   ${prefix}policy            channel: every change, as JSON with its model
 *
 * A change is stored and published by one Lua script, so messages leave in
 * the order the changes were made and no change is stored unannounced. Pub/sub
 * keeps nothing for a disconnected subscriber, so after every (re)connection
 * the watcher is told to read the whole hash again.
 */
import type { Redis } from 'ioredis';

import { InferGraphError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import { closeRedisClient } from '../../../lib/redis';
import type { PolicyStore, PolicyWatcher, StoredPolicies, StoredPolicy, TrafficPolicy } from './store';

export interface RedisPolicyStoreOptions {
  /** Made with createRedisClient (fails fast). Owned: dispose() quits it. */
  readonly client: Redis;
  /** Made with createRedisClient({ subscriber: true }). Owned: dispose() quits it. */
  readonly subscriber: Redis;
  /** Put before every key and the channel, e.g. "infergraph:". */
  readonly prefix: string;
  readonly logger?: Logger;
}

// KEYS: hash, revision counter. ARGV: model, default version, canary version ('' for none), canary percent, channel.
const STORE_AND_PUBLISH = `
local revision = redis.call('INCR', KEYS[2])
local value = cjson.encode({ defaultVersion = ARGV[2], canaryVersion = ARGV[3], canaryPercent = tonumber(ARGV[4]), revision = revision })
redis.call('HSET', KEYS[1], ARGV[1], value)
redis.call('PUBLISH', ARGV[5], cjson.encode({ model = ARGV[1], policy = value }))
return value`;

const SAVE = STORE_AND_PUBLISH;
const SEED = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return existing end
${STORE_AND_PUBLISH}`;

interface WirePolicy {
  readonly defaultVersion: string;
  readonly canaryVersion: string;
  readonly canaryPercent: number;
  readonly revision: number;
}

function parsePolicy(raw: string): StoredPolicy {
  const wire = JSON.parse(raw) as Partial<WirePolicy>;
  if (typeof wire.defaultVersion !== 'string' || typeof wire.canaryVersion !== 'string' || typeof wire.canaryPercent !== 'number' || typeof wire.revision !== 'number') {
    throw new Error(`not a stored traffic policy: ${raw.slice(0, 200)}`);
  }
  return {
    defaultVersion: wire.defaultVersion,
    canary: wire.canaryVersion === '' ? undefined : { version: wire.canaryVersion, percent: wire.canaryPercent },
    revision: wire.revision,
  };
}

export class RedisPolicyStore implements PolicyStore {
  readonly kind = 'redis';
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly hash: string;
  private readonly counter: string;
  private readonly channel: string;
  private readonly logger: Logger | undefined;
  private watcher: PolicyWatcher | undefined;
  private disposed = false;

  constructor(options: RedisPolicyStoreOptions) {
    if (options.prefix === '') throw new Error('RedisPolicyStore needs a non-empty key prefix, e.g. "infergraph:", so its keys cannot collide with others');
    if (options.client === options.subscriber) throw new Error('RedisPolicyStore needs two clients: the subscriber must not be the command client');
    this.client = options.client;
    this.subscriber = options.subscriber;
    this.hash = `${options.prefix}policy`;
    this.counter = `${options.prefix}policy:revision`;
    this.channel = `${options.prefix}policy`;
    this.logger = options.logger;
  }

  async load(): Promise<StoredPolicies> {
    // One MULTI, so the revision read is the one the hash was read at.
    const [all, revision] = await this.command('read the traffic policy', async () => {
      const replies = await this.client.multi().hgetall(this.hash).get(this.counter).exec();
      const [hash, counter] = replies ?? [];
      if (!hash || !counter || hash[0] || counter[0]) throw hash?.[0] ?? counter?.[0] ?? new Error('MULTI was discarded');
      return [hash[1] as Record<string, string>, Number(counter[1] ?? 0)] as const;
    });
    const out = new Map<string, StoredPolicy>();
    for (const [model, raw] of Object.entries(all)) {
      try {
        out.set(model, parsePolicy(raw));
      } catch (err) {
        this.logger?.warn({ model, err: (err as Error).message }, 'unreadable stored traffic policy skipped');
      }
    }
    return { policies: out, revision };
  }

  seed(model: string, policy: TrafficPolicy): Promise<StoredPolicy> {
    return this.run(SEED, model, policy, 'store the start-up traffic policy');
  }

  save(model: string, policy: TrafficPolicy): Promise<StoredPolicy> {
    return this.run(SAVE, model, policy, 'store the traffic policy change');
  }

  watch(watcher: PolicyWatcher): void {
    if (this.watcher) throw new Error('RedisPolicyStore already has a watcher; each registry owns its own store');
    this.watcher = watcher;
    this.subscriber.on('message', this.onMessage);
    this.subscriber.on('ready', this.onReady);
    this.client.on('ready', this.onReady);
    // Queued until connected; resubscribed by ioredis after every reconnect.
    this.subscriber.subscribe(this.channel).catch((err: Error) => this.logger?.warn({ err: err.message }, 'redis SUBSCRIBE to the policy channel failed'));
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

  private async run(script: string, model: string, policy: TrafficPolicy, what: string): Promise<StoredPolicy> {
    const raw = await this.command(what, () =>
      this.client.eval(script, 2, this.hash, this.counter, model, policy.defaultVersion, policy.canary?.version ?? '', String(policy.canary?.percent ?? 0), this.channel),
    );
    return parsePolicy(String(raw));
  }

  private async command<T>(what: string, send: () => Promise<T>): Promise<T> {
    if (this.client.status !== 'ready') {
      throw new InferGraphError('INFERENCE_UNAVAILABLE', `could not ${what}: Redis, where the replicas share it, is not connected (${this.client.status})`);
    }
    try {
      return await send();
    } catch (err) {
      throw new InferGraphError('INFERENCE_UNAVAILABLE', `could not ${what}: Redis, where the replicas share it, failed: ${(err as Error).message}`);
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
