/**
 * Pub/sub across replicas over Redis: a message any replica publishes reaches
 * the listeners of every replica subscribed to its channel, once each. On the
 * wire the channel is `${prefix}${channel}` and the message is JSON.
 *
 * One Redis SUBSCRIBE serves all local listeners of a channel; the last one
 * leaving sends UNSUBSCRIBE. Publishing uses its own fail-fast connection, so
 * while Redis is down publish rejects at once. The subscriber connection
 * (createRedisClient with `subscriber: true`) queues SUBSCRIBE until it is
 * connected and resubscribes by itself after a reconnect, so subscriptions
 * outlive a Redis restart; `subscribe` called during an outage resolves when
 * Redis is back. Messages published while a subscriber is disconnected are
 * lost: Redis pub/sub keeps nothing. An unparsable message is logged and
 * skipped; a listener that throws is logged and stops nothing else.
 */
import type { Redis } from 'ioredis';

import type { Logger } from '../../../../lib/logger';
import { closeRedisClient } from '../../../../lib/redis';
import { callListener } from './memory';
import type { PubSub } from './pubsub';

export interface RedisPubSubOptions {
  /** Made with createRedisClient (fails fast). Owned: dispose() quits it. */
  readonly publisher: Redis;
  /** Made with createRedisClient({ subscriber: true }). Owned: dispose() quits it. */
  readonly subscriber: Redis;
  /** Put before every channel on the wire, e.g. "infergraph:events:". */
  readonly prefix: string;
  readonly logger?: Logger;
}

/** Longest unsubscribe waits for Redis to confirm; the subscriber connection has no command timeout. */
const UNSUBSCRIBE_WAIT_MS = 1000;

/** One subscribe call; an object of its own so the same function may subscribe twice. */
interface Subscription<T> {
  readonly listener: (message: T) => void;
}

/** The local listeners of one wire channel, sharing one Redis SUBSCRIBE. */
interface Channel<T> {
  readonly subscriptions: Set<Subscription<T>>;
  /** Settles when Redis has answered the SUBSCRIBE. */
  active: Promise<void>;
}

export class RedisPubSub<T> implements PubSub<T> {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly logger: Logger | undefined;
  /** By wire channel. */
  private readonly channels = new Map<string, Channel<T>>();
  /** Rejects the subscribe calls still waiting for Redis when dispose() is called. */
  private readonly abandonOnDispose = new Set<() => void>();
  private disposed = false;

  constructor(options: RedisPubSubOptions) {
    if (options.prefix === '') {
      throw new Error(
        'RedisPubSub needs a non-empty channel prefix, e.g. "infergraph:events:", so its channels cannot collide with others',
      );
    }
    const { enableOfflineQueue, commandTimeout } = options.publisher.options;
    if (enableOfflineQueue !== false || typeof commandTimeout !== 'number') {
      throw new Error(
        'RedisPubSub needs a publisher that fails fast, as createRedisClient makes (enableOfflineQueue false and a commandTimeout); ' +
          `got enableOfflineQueue ${String(enableOfflineQueue)} and commandTimeout ${String(commandTimeout)}`,
      );
    }
    if (options.subscriber.options.autoResubscribe === false) {
      throw new Error(
        'RedisPubSub needs a subscriber that resubscribes after a reconnect, as createRedisClient({ subscriber: true }) makes; got autoResubscribe false',
      );
    }
    if (options.subscriber === options.publisher) {
      throw new Error('RedisPubSub needs two clients: the subscriber must not be the publisher');
    }
    this.publisher = options.publisher;
    this.subscriber = options.subscriber;
    this.prefix = options.prefix;
    this.logger = options.logger;
    this.subscriber.on('message', this.onMessage);
  }

  async publish(channel: string, message: T): Promise<void> {
    if (this.disposed) throw new Error(`RedisPubSub is disposed; cannot publish to "${channel}"`);
    let payload: string | undefined;
    try {
      payload = JSON.stringify(message);
    } catch (err) {
      throw new TypeError(`cannot publish to "${channel}": the message is not JSON-serializable (${(err as Error).message})`);
    }
    if (payload === undefined) {
      throw new TypeError(
        `cannot publish to "${channel}": the message (${typeof message}) has no JSON form; publish an object, array, string, number, boolean or null`,
      );
    }
    const { status } = this.publisher;
    if (status !== 'ready') {
      throw new Error(`redis pubsub unavailable: the connection is "${status}", not "ready"; nothing published to "${channel}"`);
    }
    try {
      await this.publisher.publish(this.prefix + channel, payload);
    } catch (err) {
      throw new Error(`redis pubsub unavailable: publish to "${channel}" failed: ${(err as Error).message}`);
    }
  }

  async subscribe(channel: string, listener: (message: T) => void): Promise<() => Promise<void>> {
    if (this.disposed) throw new Error(`RedisPubSub is disposed; cannot subscribe to "${channel}"`);
    const wire = this.prefix + channel;
    const entry = this.channels.get(wire) ?? this.open(wire);
    const subscription: Subscription<T> = { listener };
    entry.subscriptions.add(subscription);
    try {
      await this.unlessDisposed(entry.active, channel);
    } catch (err) {
      entry.subscriptions.delete(subscription);
      throw err;
    }
    let subscribed = true;
    return async () => {
      if (!subscribed) return;
      subscribed = false;
      entry.subscriptions.delete(subscription);
      if (entry.subscriptions.size > 0 || this.channels.get(wire) !== entry) return;
      this.channels.delete(wire);
      if (this.disposed) return;
      await this.close(wire);
    };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.subscriber.off('message', this.onMessage);
    this.channels.clear();
    for (const abandon of this.abandonOnDispose) abandon();
    this.abandonOnDispose.clear();
    await Promise.all([closeRedisClient(this.publisher), closeRedisClient(this.subscriber)]);
  }

  /** Starts the Redis SUBSCRIBE shared by the local listeners of `wire`. */
  private open(wire: string): Channel<T> {
    const entry: Channel<T> = { subscriptions: new Set(), active: Promise.resolve() };
    entry.active = this.subscriber.subscribe(wire).then(
      () => undefined,
      (err: Error) => {
        // Forget the channel so the next subscribe tries again.
        if (this.channels.get(wire) === entry) this.channels.delete(wire);
        throw new Error(`redis pubsub: SUBSCRIBE ${wire} failed: ${err.message}`);
      },
    );
    this.channels.set(wire, entry);
    return entry;
  }

  /**
   * UNSUBSCRIBE once the last local listener has left. It waits for Redis's
   * answer but never for a reconnect: while disconnected the UNSUBSCRIBE stays
   * queued and ioredis sends it after the resubscription.
   */
  private async close(wire: string): Promise<void> {
    const unsubscribing = this.subscriber.unsubscribe(wire).then(
      () => undefined,
      (err: Error) => this.logger?.warn({ channel: wire, err: err.message }, 'redis UNSUBSCRIBE failed'),
    );
    if (this.subscriber.status === 'ready') await answeredOrDropped(unsubscribing, this.subscriber, UNSUBSCRIBE_WAIT_MS);
  }

  private readonly onMessage = (wire: string, raw: string): void => {
    const entry = this.channels.get(wire);
    if (entry === undefined) return;
    let message: T;
    try {
      message = JSON.parse(raw) as T;
    } catch (err) {
      this.logger?.warn({ channel: wire, err: (err as Error).message, length: raw.length }, 'unparsable pubsub message skipped');
      return;
    }
    const channel = wire.slice(this.prefix.length);
    for (const subscription of [...entry.subscriptions]) {
      if (entry.subscriptions.has(subscription)) callListener(subscription.listener, message, channel, this.logger);
    }
  };

  /** `active`, or a rejection as soon as dispose() is called. */
  private unlessDisposed(active: Promise<void>, channel: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const abandon = (): void => reject(new Error(`RedisPubSub was disposed before the subscription to "${channel}" was active`));
      this.abandonOnDispose.add(abandon);
      void active.then(resolve, reject).finally(() => this.abandonOnDispose.delete(abandon));
    });
  }
}

/**
 * Resolves when `answer` settles, when `client`'s connection drops (the
 * command then waits for a reconnect), or after `timeoutMs`, whichever first.
 */
function answeredOrDropped(answer: Promise<void>, client: Redis, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('close', done);
    void answer.then(done);
  });
}
