/**
 * One upstream subscription shared by every subscriber of the same operation,
 * variables and caller (the bridge picks who shares, ./bridge.ts). Each upstream
 * event is resolved once, and that one result goes to every member's own
 * bounded buffer, so a slow socket drops its own oldest events and holds back
 * no one else. Results are frozen: graphql-ws only reads them, once per socket.
 */
import type { ExecutionResult, FormattedExecutionResult } from 'graphql';

import { PushIterator, SUBSCRIBER_BUFFER } from '../../../lib/graphql/push-iterator';

/** One event as the owning subgraph sent it. */
export type UpstreamEvent = FormattedExecutionResult<Record<string, unknown>, unknown>;

export interface SharedSubscriptionOptions {
  /** The result every member gets for one event; never rejects. */
  resolve(event: UpstreamEvent): Promise<ExecutionResult>;
  /** Called once, when the group takes no more members: its last member left or the upstream ended. */
  onEnd(): void;
}

export class SharedSubscription {
  /** Each member, with the number of events received before it joined: it gets only those that came after. */
  private readonly members = new Map<PushIterator<ExecutionResult>, number>();
  private received = 0;
  /** Events resolved one after another, so they reach every member in order. */
  private chain = Promise.resolve();
  private pending = 0;
  private unsubscribe: (() => void) | undefined;
  private ended = false;

  constructor(private readonly options: SharedSubscriptionOptions) {}

  /** False once the group takes no more members. */
  get live(): boolean {
    return !this.ended;
  }

  /** A new member's stream; closing it leaves the group, and the last to leave closes the upstream. */
  join(): PushIterator<ExecutionResult> {
    const member: PushIterator<ExecutionResult> = new PushIterator<ExecutionResult>(SUBSCRIBER_BUFFER, () => this.leave(member));
    this.members.set(member, this.received);
    return member;
  }

  /** Hands over the upstream subscription once it is open; a group every member left meanwhile releases it at once. */
  attach(unsubscribe: () => void): void {
    if (this.ended) unsubscribe();
    else this.unsubscribe = unsubscribe;
  }

  /** An upstream event, resolved once for every member there now. */
  event(event: UpstreamEvent): void {
    // Past SUBSCRIBER_BUFFER events waiting to be resolved, newer ones are dropped: a slow
    // subgraph must not grow this without bound.
    if (this.ended || this.pending >= SUBSCRIBER_BUFFER) return;
    const seq = this.received++;
    this.pending += 1;
    this.chain = this.chain.then(async () => {
      this.pending -= 1;
      if (this.members.size === 0) return;
      const result = deepFreeze(await this.options.resolve(event));
      for (const [member, joinedAt] of this.members) if (joinedAt <= seq) member.push(result);
    });
  }

  /** The upstream ended: after the events before it, every member gets `last` (if any) and its stream ends. */
  end(last?: ExecutionResult): void {
    if (!this.ended) {
      this.ended = true;
      this.options.onEnd();
    }
    this.chain = this.chain.then(() => {
      const members = [...this.members.keys()];
      if (last) {
        const frozen = deepFreeze(last);
        for (const member of members) member.push(frozen);
      }
      // Each member still reads what it has not yet read, then `last`, then its end.
      for (const member of members) member.end();
    });
  }

  private leave(member: PushIterator<ExecutionResult>): void {
    this.members.delete(member);
    if (this.members.size > 0 || this.ended) return;
    this.ended = true;
    this.options.onEnd();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

/** Freezes a result's plain objects and arrays (not its GraphQLError instances, which serialize themselves). */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
