/**
 * Publish/subscribe of JSON messages on named channels. Two implementations
 * share one contract suite (events/contract.ts): in-memory (the default) and
 * Redis pub/sub (channels prefixed), so events published by one replica reach
 * subscribers connected to any replica.
 *
 * `publish` never throws for a backend outage; it rejects with the reason so
 * the caller can log it, and delivery resumes by itself when the backend is back.
 */
export interface PubSub<T> {
  publish(channel: string, message: T): Promise<void>;
  /**
   * Calls `listener` for every message on `channel` until the returned
   * function is called. Resolves once the subscription is active.
   */
  subscribe(channel: string, listener: (message: T) => void): Promise<() => Promise<void>>;
  /** Releases sockets; active subscriptions stop. */
  dispose(): Promise<void>;
}
