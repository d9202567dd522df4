import { Writable } from 'node:stream';

import pino from 'pino';

import { collector, event, pubsubContract } from './contract';
import type { TestEvent } from './contract';
import { MemoryPubSub } from './memory';
import { until } from '../../../../lib/until';

pubsubContract('MemoryPubSub', () => Promise.resolve(new MemoryPubSub<TestEvent>()));

describe('MemoryPubSub', () => {
  it('delivers a copy, not the object published', async () => {
    const pubsub = new MemoryPubSub<{ list: number[] }>();
    const got: { list: number[] }[] = [];
    await pubsub.subscribe('a', (m) => void got.push(m));
    const message = { list: [1] };
    await pubsub.publish('a', message);
    message.list.push(2);
    await until(() => got.length === 1, 'the message');
    expect(got).toEqual([{ list: [1] }]);
    await pubsub.dispose();
  });

  it('does not deliver to a listener that subscribed after the message was published', async () => {
    const pubsub = new MemoryPubSub<TestEvent>();
    const early = collector();
    const late = collector();
    await pubsub.subscribe('a', early.listener);
    const published = pubsub.publish('a', event(1));
    await pubsub.subscribe('a', late.listener);
    await published;
    await until(() => early.got.length === 1, 'the message');
    expect(late.got).toEqual([]);
    await pubsub.dispose();
  });

  it('logs what a listener throws, with the channel', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const pubsub = new MemoryPubSub<TestEvent>({ logger: pino({ level: 'warn' }, sink) });
    await pubsub.subscribe('a', () => {
      throw new Error('listener bug');
    });
    await pubsub.publish('a', event(1));
    await until(() => lines.length === 1, 'the log line');
    expect(lines[0]).toMatchObject({
      level: 50,
      channel: 'a',
      err: 'listener bug',
      msg: expect.stringContaining('pubsub listener failed'),
    });
    await pubsub.dispose();
  });
});
