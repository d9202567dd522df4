import { Writable } from 'node:stream';

import { Redis } from 'ioredis';
import pino from 'pino';

import type { Logger } from '../../../../lib/logger';
import { createRedisClient } from '../../../../lib/redis';
import { describeRedis, HEALTHY_REDIS_TIMEOUT_MS, whenReady } from '../../../../test/helpers/redis';
import { freshPrefix, redisUrl } from '../../../../stack/redis';
import { sleep, until } from '../../../../lib/until';
import { usePrivateRedis } from '../../../../test/helpers/redis-server';
import type { PrivateRedis } from '../../../../test/helpers/redis-server';
import { collector, event, pubsubContract } from './contract';
import type { TestEvent } from './contract';
import { RedisPubSub } from './redis';

/** A RedisPubSub as the subgraph builds one (createRedisClient), once both connections are ready. */
async function readyPubSub(url: string, prefix: string, logger?: Logger): Promise<RedisPubSub<TestEvent>> {
  const publisher = createRedisClient({ url, commandTimeoutMs: HEALTHY_REDIS_TIMEOUT_MS });
  const subscriber = createRedisClient({ url, commandTimeoutMs: HEALTHY_REDIS_TIMEOUT_MS, subscriber: true });
  await Promise.all([whenReady(publisher), whenReady(subscriber)]);
  return new RedisPubSub<TestEvent>({ publisher, subscriber, prefix, logger });
}

function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), lines };
}

describeRedis('RedisPubSub', () => {
  pubsubContract('RedisPubSub', () => readyPubSub(redisUrl(), freshPrefix()));

  describe('on the shared Redis', () => {
    let prefix: string;
    let raw: Redis;
    const owned: RedisPubSub<TestEvent>[] = [];

    async function pubsub(logger?: Logger): Promise<RedisPubSub<TestEvent>> {
      const made = await readyPubSub(redisUrl(), prefix, logger);
      owned.push(made);
      return made;
    }

    async function numsub(channel: string): Promise<number> {
      const reply = (await raw.call('PUBSUB', 'NUMSUB', `${prefix}${channel}`)) as [string, number];
      return Number(reply[1]);
    }

    beforeEach(() => {
      prefix = freshPrefix();
      raw = new Redis(redisUrl());
    });

    afterEach(async () => {
      await Promise.all(owned.splice(0).map((p) => p.dispose()));
      await raw.quit();
    });

    it('lets two replicas see each other’s messages, exactly once each', async () => {
      const replicas = [await pubsub(), await pubsub()];
      const seen = [collector(), collector()];
      await Promise.all(replicas.map((r, i) => r.subscribe('latency', (seen[i] as ReturnType<typeof collector>).listener)));
      await replicas[0]?.publish('latency', event(1, 'from replica 0'));
      await replicas[1]?.publish('latency', event(2, 'from replica 1'));
      await until(() => seen.every((s) => s.got.length >= 2), 'both messages at both replicas');
      // Anything duplicated would arrive right behind: a marker published last must be the third message each sees.
      await replicas[0]?.publish('latency', event(3, 'marker'));
      await until(() => seen.every((s) => s.got.length >= 3), 'the marker at both replicas');
      for (const s of seen) {
        expect(s.got.map((m) => m.n).sort()).toEqual([1, 2, 3]);
      }
    });

    it('puts the prefix on the wire channel and JSON on the wire', async () => {
      const instance = await pubsub();
      const wire = new Redis(redisUrl());
      const onWire: [string, string][] = [];
      try {
        wire.on('message', (channel: string, message: string) => void onWire.push([channel, message]));
        await wire.subscribe(`${prefix}latency`, 'latency');
        await instance.publish('latency', event(1, 'hello'));
        await until(() => onWire.length === 1, 'the message on the prefixed channel');
        // Nothing reached the bare channel: a later message on the prefixed one would have come after it.
        await instance.publish('latency', event(2));
        await until(() => onWire.length === 2, 'the second message');
        expect(onWire).toEqual([
          [`${prefix}latency`, JSON.stringify(event(1, 'hello'))],
          [`${prefix}latency`, JSON.stringify(event(2))],
        ]);
        const c = collector();
        await instance.subscribe('latency', c.listener);
        await raw.publish(`${prefix}latency`, JSON.stringify(event(3)));
        await until(() => c.got.length === 1, 'a message published raw on the prefixed channel');
        expect(c.got).toEqual([event(3)]);
      } finally {
        await wire.quit();
      }
    });

    it('sends one SUBSCRIBE per channel however many listeners, and UNSUBSCRIBE when the last leaves', async () => {
      const publisher = createRedisClient({ url: redisUrl(), commandTimeoutMs: HEALTHY_REDIS_TIMEOUT_MS });
      const subscriber = createRedisClient({ url: redisUrl(), commandTimeoutMs: HEALTHY_REDIS_TIMEOUT_MS, subscriber: true });
      await Promise.all([whenReady(publisher), whenReady(subscriber)]);
      // Counts the commands sent on the real connection; Redis answers them as usual.
      const subscribes = jest.spyOn(subscriber, 'subscribe');
      const unsubscribes = jest.spyOn(subscriber, 'unsubscribe');
      const instance = new RedisPubSub<TestEvent>({ publisher, subscriber, prefix });
      owned.push(instance);

      expect(await numsub('a')).toBe(0);
      const leaves = await Promise.all([1, 2, 3].map(() => instance.subscribe('a', () => undefined)));
      expect(subscribes).toHaveBeenCalledTimes(1);
      expect(await numsub('a')).toBe(1);
      await leaves[0]?.();
      await leaves[1]?.();
      expect(unsubscribes).not.toHaveBeenCalled();
      expect(await numsub('a')).toBe(1);
      await leaves[2]?.();
      expect(unsubscribes).toHaveBeenCalledTimes(1);
      expect(await numsub('a')).toBe(0);
      await instance.subscribe('a', () => undefined);
      expect(subscribes).toHaveBeenCalledTimes(2);
      expect(await numsub('a')).toBe(1);
    });

    it('logs and skips a message that is not JSON, and goes on delivering', async () => {
      const { logger, lines } = capturingLogger();
      const instance = await pubsub(logger);
      const c = collector();
      await instance.subscribe('a', c.listener);
      await raw.publish(`${prefix}a`, '{not json');
      await raw.publish(`${prefix}a`, JSON.stringify(event(1)));
      await until(() => c.got.length === 1, 'the valid message');
      expect(c.got).toEqual([event(1)]);
      expect(lines).toEqual([expect.objectContaining({ level: 40, channel: `${prefix}a`, msg: 'unparsable pubsub message skipped' })]);
    });

    it('refuses an empty prefix and a publisher that would queue, saying what it needs', () => {
      const queueing = new Redis(redisUrl(), { lazyConnect: true });
      const subscriber = new Redis(redisUrl(), { lazyConnect: true });
      const publisher = createRedisClient({ url: redisUrl(), commandTimeoutMs: HEALTHY_REDIS_TIMEOUT_MS });
      try {
        expect(() => new RedisPubSub({ publisher, subscriber, prefix: '' })).toThrow('RedisPubSub needs a non-empty channel prefix');
        expect(() => new RedisPubSub({ publisher: queueing, subscriber, prefix: 'p:' })).toThrow(
          'RedisPubSub needs a publisher that fails fast, as createRedisClient makes (enableOfflineQueue false and a commandTimeout); got enableOfflineQueue true and commandTimeout undefined',
        );
      } finally {
        for (const client of [queueing, subscriber, publisher]) client.disconnect();
      }
    });
  });

  describe('on a private Redis that restarts', () => {
    const privateRedis = usePrivateRedis();
    let server: PrivateRedis;

    beforeEach(() => {
      server = privateRedis();
    });

    it('rejects publish at once while Redis is down, and a subscription made before the outage receives after it', async () => {
      const instance = await readyPubSub(server.url, freshPrefix());
      try {
        const c = collector();
        await instance.subscribe('a', c.listener);
        await instance.publish('a', event(1));
        await until(() => c.got.length === 1, 'the message before the outage');

        await server.stop();
        for (const pause of [0, 50, 150, 300]) {
          await sleep(pause);
          // Redis is down until after this loop: a publish that waited for it would never settle.
          await expect(instance.publish('a', event(2))).rejects.toThrow(/^redis pubsub unavailable: /);
        }

        await server.start();
        await publishUntilReceived(instance, 'a', c.got, 5000);
        expect(c.got[0]).toEqual(event(1));
        expect(c.got.slice(1).every((m) => m.n >= 100)).toBe(true);
      } finally {
        await instance.dispose();
      }
    });

    it('while Redis is down: unsubscribe returns at once and stays done, subscribe resolves once Redis is back', async () => {
      const prefix = freshPrefix();
      const instance = await readyPubSub(server.url, prefix);
      const raw = new Redis(server.url, { lazyConnect: true });
      try {
        const leaving = collector();
        const joining = collector();
        const unsubscribe = await instance.subscribe('a', leaving.listener);
        await server.stop();

        // Redis is down until after: an unsubscribe that waited for it would never settle.
        await unsubscribe();
        const subscribed = instance.subscribe('b', joining.listener);
        await sleep(100);
        await server.start();
        await subscribed;
        // ioredis resubscribed "a" after the reconnect, then sent the queued UNSUBSCRIBE.
        await raw.connect();
        expect(await raw.call('PUBSUB', 'NUMSUB', `${prefix}a`, `${prefix}b`)).toEqual([`${prefix}a`, 0, `${prefix}b`, 1]);
        await publishUntilReceived(instance, 'b', joining.got, 3000);
        expect(leaving.got).toEqual([]);
      } finally {
        raw.disconnect();
        await instance.dispose();
      }
    });

    it('disposes at once while Redis is down, rejecting a subscribe still waiting for it', async () => {
      const instance = await readyPubSub(server.url, freshPrefix());
      await server.stop();
      const pending = instance
        .subscribe('c', () => undefined)
        .then(
          () => 'resolved',
          (err: Error) => err.message,
        );
      // Redis stays down: a dispose that waited for it would never settle.
      await instance.dispose();
      expect(await pending).toBe('RedisPubSub was disposed before the subscription to "c" was active');
      // ioredis 6 keeps a timer of `disconnectTimeout` (200 ms in createRedisClient) after disconnecting
      // a client that was waiting to reconnect; let it run out so it does not outlive the test.
      await sleep(300);
    });
  });
});

/**
 * Publishes numbered messages from 100 up until one reaches `got`: pub/sub
 * keeps nothing, so messages published before the subscriber has
 * resubscribed are lost. Rejects after `timeoutMs`.
 */
async function publishUntilReceived(
  pubsub: RedisPubSub<TestEvent>,
  channel: string,
  got: readonly TestEvent[],
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  for (let n = 100; !got.some((m) => m.n >= 100); n++) {
    if (Date.now() - started > timeoutMs) throw new Error(`no message on "${channel}" within ${timeoutMs} ms; got ${JSON.stringify(got)}`);
    await pubsub.publish(channel, event(n)).catch(() => undefined);
    await sleep(50);
  }
}
