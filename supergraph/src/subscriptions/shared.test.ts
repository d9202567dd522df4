import { GraphQLError } from 'graphql';
import type { ExecutionResult } from 'graphql';

import { SUBSCRIBER_BUFFER } from '../../../lib/graphql/push-iterator';
import { SharedSubscription } from './shared';
import type { UpstreamEvent } from './shared';

/** A group whose events resolve to `{ data: { n } }`, each once `release` is called for it when `held`. */
function group(held = false) {
  const resolved: number[] = [];
  const waiting: (() => void)[] = [];
  let ends = 0;
  const shared = new SharedSubscription({
    resolve: async (event) => {
      const n = Number(event.data?.n);
      if (held) await new Promise<void>((resolve) => waiting.push(resolve));
      resolved.push(n);
      return { data: { n } };
    },
    onEnd: () => (ends += 1),
  });
  return { shared, resolved, waiting, ends: () => ends };
}

const event = (n: number): UpstreamEvent => ({ data: { n } });

async function read(iterator: AsyncIterableIterator<ExecutionResult>, count: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < count; i += 1) {
    const next = await iterator.next();
    out.push(next.done ? 'done' : (next.value.data?.n ?? next.value.errors?.[0]?.message));
  }
  return out;
}

describe('SharedSubscription', () => {
  it('resolves each event once for every member, and a slow member drops only its own oldest events', async () => {
    const { shared, resolved } = group();
    const slow = shared.join();
    const fast = shared.join();
    const total = SUBSCRIBER_BUFFER + 5;
    const heard: unknown[] = [];
    for (let n = 0; n < total; n += 1) {
      shared.event(event(n));
      heard.push(...(await read(fast, 1)));
    }
    expect(heard).toEqual(Array.from({ length: total }, (_, n) => n));
    expect(resolved).toHaveLength(total);
    expect(await read(slow, 1)).toEqual([5]);
  });

  it('ends a member that has not read its events yet only after those events and the last result', async () => {
    const { shared } = group();
    const member = shared.join();
    shared.event(event(1));
    shared.event(event(2));
    shared.end({ errors: [new GraphQLError('the subscription to subgraph prediction ended')] });
    // The group's work is promise jobs only: past one turn of the event loop it has all been done, none of it read.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await read(member, 4)).toEqual([1, 2, 'the subscription to subgraph prediction ended', 'done']);
  });

  it('gives a member only the events that reached the group after it joined', async () => {
    const { shared, waiting } = group(true);
    const first = shared.join();
    shared.event(event(1));
    const second = shared.join();
    shared.event(event(2));
    const reads = Promise.all([read(first, 2), read(second, 1)]);
    for (let released = 0; released < 2; released += 1) {
      while (waiting.length === 0) await Promise.resolve();
      waiting.shift()?.();
    }
    expect(await reads).toEqual([[1, 2], [2]]);
  });

  it('shares a frozen result that no member can change', async () => {
    const { shared } = group();
    const member = shared.join();
    shared.event(event(7));
    const next = await member.next();
    if (next.done) throw new Error('the member ended');
    expect(Object.isFrozen(next.value)).toBe(true);
    expect(Object.isFrozen(next.value.data)).toBe(true);
  });

  it('releases the upstream when its last member leaves, not before, and takes no one after', async () => {
    const { shared, ends } = group();
    let released = 0;
    const first = shared.join();
    const second = shared.join();
    shared.attach(() => (released += 1));
    await first.return();
    expect([released, ends(), shared.live]).toEqual([0, 0, true]);
    await second.return();
    expect([released, ends(), shared.live]).toEqual([1, 1, false]);
  });

  it('releases at once an upstream that opens after every member left', async () => {
    const { shared } = group();
    await shared.join().return();
    let released = 0;
    shared.attach(() => (released += 1));
    expect(released).toBe(1);
  });

  it('ends every member with the last result, after the events before it, without releasing an upstream that ended', async () => {
    const { shared, waiting, ends } = group(true);
    let released = 0;
    const members = [shared.join(), shared.join()];
    shared.attach(() => (released += 1));
    shared.event(event(1));
    shared.end({ errors: [new GraphQLError('gone')] });
    expect(shared.live).toBe(false);
    while (waiting.length === 0) await Promise.resolve();
    waiting.shift()?.();
    expect(await Promise.all(members.map((m) => read(m, 3)))).toEqual([
      [1, 'gone', 'done'],
      [1, 'gone', 'done'],
    ]);
    expect([released, ends()]).toEqual([0, 1]);
  });
});
