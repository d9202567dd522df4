/**
 * The default pub/sub: in-process, for a single replica.
 *
 * Messages go through JSON as they do on Redis, so listeners get what they
 * would get from RedisPubSub (a copy, no Dates or class instances) and a
 * message without a JSON form is refused here too rather than only in
 * production. Delivery is on a microtask, in publish order, to the listeners
 * subscribed when the message was published and still subscribed when it is
 * delivered. A listener that throws is logged and stops neither the other
 * listeners nor the publisher.
 */
import type { Logger } from '../../../../lib/logger';
import type { PubSub } from './pubsub';

export interface MemoryPubSubOptions {
  /** Where a throwing listener is reported. */
  readonly logger?: Logger;
}

/** One subscribe call; an object of its own so the same function may subscribe twice. */
interface Subscription<T> {
  readonly listener: (message: T) => void;
}

export class MemoryPubSub<T> implements PubSub<T> {
  private readonly channels = new Map<string, Set<Subscription<T>>>();
  private disposed = false;

  constructor(private readonly options: MemoryPubSubOptions = {}) {}

  publish(channel: string, message: T): Promise<void> {
    if (this.disposed) return Promise.reject(new Error(`MemoryPubSub is disposed; cannot publish to "${channel}"`));
    let payload: string | undefined;
    try {
      payload = JSON.stringify(message);
    } catch (err) {
      return Promise.reject(
        new TypeError(`cannot publish to "${channel}": the message is not JSON-serializable (${(err as Error).message})`),
      );
    }
    if (payload === undefined) {
      return Promise.reject(
        new TypeError(
          `cannot publish to "${channel}": the message (${typeof message}) has no JSON form; publish an object, array, string, number, boolean or null`,
        ),
      );
    }
    const subscriptions = this.channels.get(channel);
    if (subscriptions === undefined) return Promise.resolve();
    const targets = [...subscriptions];
    const text = payload;
    queueMicrotask(() => {
      const delivered = JSON.parse(text) as T;
      for (const target of targets) {
        if (subscriptions.has(target)) callListener(target.listener, delivered, channel, this.options.logger);
      }
    });
    return Promise.resolve();
  }

  subscribe(channel: string, listener: (message: T) => void): Promise<() => Promise<void>> {
    if (this.disposed) return Promise.reject(new Error(`MemoryPubSub is disposed; cannot subscribe to "${channel}"`));
    let subscriptions = this.channels.get(channel);
    if (subscriptions === undefined) {
      subscriptions = new Set();
      this.channels.set(channel, subscriptions);
    }
    const subscription: Subscription<T> = { listener };
    subscriptions.add(subscription);
    const own = subscriptions;
    return Promise.resolve(() => {
      own.delete(subscription);
      if (own.size === 0 && this.channels.get(channel) === own) this.channels.delete(channel);
      return Promise.resolve();
    });
  }

  dispose(): Promise<void> {
    this.disposed = true;
    for (const subscriptions of this.channels.values()) subscriptions.clear();
    this.channels.clear();
    return Promise.resolve();
  }
}

/** Calls `listener`, reporting instead of throwing what it throws or rejects with. */
export function callListener<T>(listener: (message: T) => void, message: T, channel: string, logger: Logger | undefined): void {
  const report = (err: unknown): void => {
    logger?.error(
      { channel, err: err instanceof Error ? err.message : String(err) },
      'pubsub listener failed; other listeners still get the message',
    );
  };
  try {
    const result: unknown = listener(message);
    if (result instanceof Promise) void result.catch(report);
  } catch (err) {
    report(err);
  }
}
