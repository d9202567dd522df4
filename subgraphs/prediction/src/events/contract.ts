/// <reference types="jest" />
/**
 * What every PubSub must do, as one jest suite that memory.test.ts and
 * redis.test.ts run against their implementation, so the in-memory default
 * and Redis cannot drift apart.
 *
 * Delivery is asynchronous in both, so tests wait for what they expect and
 * prove an absence by a later message arriving on the same path: messages
 * from one publisher arrive in order, so once the later one is there the
 * earlier one would have been too.
 */
import type { PubSub } from './pubsub';
import { until } from '../../../../lib/until';

export interface TestEvent {
  readonly n: number;
  readonly note: string | null;
}

export function event(n: number, note: string | null = null): TestEvent {
  return { n, note };
}

/** A listener that remembers what it got. */
export function collector(): { readonly got: TestEvent[]; readonly listener: (message: TestEvent) => void } {
  const got: TestEvent[] = [];
  return { got, listener: (message) => void got.push(message) };
}

/** Registers the shared PubSub suite; `make` builds a fresh instance, ready to use, for each test. */
export function pubsubContract(name: string, make: () => Promise<PubSub<TestEvent>>): void {
  describe(`${name} (PubSub contract)`, () => {
    let pubsub: PubSub<TestEvent>;

    beforeEach(async () => {
      pubsub = await make();
    });

    afterEach(async () => {
      await pubsub.dispose();
    });

    it('delivers what is published on a channel to its subscriber, and nothing from other channels', async () => {
      const a = collector();
      const b = collector();
      await pubsub.subscribe('a', a.listener);
      await pubsub.subscribe('b', b.listener);
      await pubsub.publish('a', event(1));
      await pubsub.publish('nobody-listens', event(2));
      await pubsub.publish('b', event(3));
      await until(() => b.got.length === 1, 'the message on b');
      expect(a.got).toEqual([event(1)]);
      expect(b.got).toEqual([event(3)]);
    });

    it('delivers to every subscriber of the channel', async () => {
      const first = collector();
      const second = collector();
      await pubsub.subscribe('a', first.listener);
      await pubsub.subscribe('a', second.listener);
      await pubsub.publish('a', event(1));
      await until(() => first.got.length === 1 && second.got.length === 1, 'both subscribers to get the message');
      expect(first.got).toEqual([event(1)]);
      expect(second.got).toEqual([event(1)]);
    });

    it('stops delivering to a subscriber once it unsubscribes, and goes on for the others', async () => {
      const leaving = collector();
      const staying = collector();
      const unsubscribe = await pubsub.subscribe('a', leaving.listener);
      await pubsub.subscribe('a', staying.listener);
      await pubsub.publish('a', event(1));
      await until(() => leaving.got.length === 1 && staying.got.length === 1, 'the first message');
      await unsubscribe();
      await unsubscribe();
      await pubsub.publish('a', event(2));
      await until(() => staying.got.length === 2, 'the second message');
      expect(leaving.got).toEqual([event(1)]);
    });

    it('stops delivery at once, even for a message already published', async () => {
      const leaving = collector();
      const staying = collector();
      const unsubscribe = await pubsub.subscribe('a', leaving.listener);
      await pubsub.subscribe('a', staying.listener);
      const published = pubsub.publish('a', event(1));
      const unsubscribed = unsubscribe();
      await Promise.all([published, unsubscribed]);
      await until(() => staying.got.length === 1, 'the message');
      expect(leaving.got).toEqual([]);
    });

    it('delivers again after the last subscriber left and a new one came', async () => {
      const first = collector();
      await (
        await pubsub.subscribe('a', first.listener)
      )();
      const second = collector();
      await pubsub.subscribe('a', second.listener);
      await pubsub.publish('a', event(1));
      await until(() => second.got.length === 1, 'the message to the new subscriber');
      expect(first.got).toEqual([]);
    });

    it('delivers messages in the order they were published', async () => {
      const c = collector();
      await pubsub.subscribe('a', c.listener);
      const ns = Array.from({ length: 50 }, (_, i) => i);
      await Promise.all(ns.map((n) => pubsub.publish('a', event(n))));
      await until(() => c.got.length === ns.length, 'all messages');
      expect(c.got.map((m) => m.n)).toEqual(ns);
    });

    it('round-trips nulls, nesting and unicode as JSON', async () => {
      const rich = { n: 1, note: null, nested: { list: [1, null, 'ü ✓'], empty: {} } };
      const c = collector();
      await pubsub.subscribe('a', c.listener);
      await pubsub.publish('a', rich);
      await until(() => c.got.length === 1, 'the message');
      expect(c.got).toEqual([rich]);
    });

    it('keeps delivering to the others, and publish resolves, when a listener throws', async () => {
      const c = collector();
      await pubsub.subscribe('a', () => {
        throw new Error('listener bug');
      });
      await pubsub.subscribe('a', () => Promise.reject(new Error('async listener bug')) as unknown as void);
      await pubsub.subscribe('a', c.listener);
      await expect(pubsub.publish('a', event(1))).resolves.toBeUndefined();
      await pubsub.publish('a', event(2));
      await until(() => c.got.length === 2, 'both messages');
      expect(c.got).toEqual([event(1), event(2)]);
    });

    it('refuses a message without a JSON form, saying what is allowed', async () => {
      await expect(pubsub.publish('a', undefined as unknown as TestEvent)).rejects.toThrow(
        'cannot publish to "a": the message (undefined) has no JSON form; publish an object, array, string, number, boolean or null',
      );
      await expect(pubsub.publish('a', { n: 1n } as unknown as TestEvent)).rejects.toThrow(
        'cannot publish to "a": the message is not JSON-serializable',
      );
    });

    it('refuses to publish or subscribe once disposed', async () => {
      await pubsub.dispose();
      await expect(pubsub.publish('a', event(1))).rejects.toThrow('is disposed; cannot publish to "a"');
      await expect(pubsub.subscribe('a', () => undefined)).rejects.toThrow('is disposed; cannot subscribe to "a"');
    });
  });
}
