/**
 * Where the traffic policy (default version and canary of each model) lives.
 * In memory for one replica; in Redis when replicas share it, so every
 * replica serves the same policy and every WatchModels stream, on any
 * replica, reports every change.
 *
 * Every stored policy carries a revision, increasing across all models and
 * replicas, so a replica applies a change only when it is newer than what it
 * has: a message that arrives late or twice changes nothing.
 */
export interface TrafficPolicy {
  readonly defaultVersion: string;
  readonly canary: { readonly version: string; readonly percent: number } | undefined;
}

export interface StoredPolicy extends TrafficPolicy {
  readonly revision: number;
}

export interface StoredPolicies {
  readonly policies: ReadonlyMap<string, StoredPolicy>;
  readonly revision: number;
}

export interface PolicyWatcher {
  /** A policy saved through any store on the same backend, this one included. */
  changed(model: string, policy: StoredPolicy): void;
  /**
   * The store (re)connected and changes may have been missed meanwhile:
   * read everything again. Called once the first connection is up too.
   */
  reconnected(): void;
}

export interface PolicyStore {
  /** Which backend, for logs: "memory" or "redis". */
  readonly kind: string;
  /**
   * Every stored policy, by model, and the latest revision given out. A
   * revision lower than one a replica has seen means the store lost its data
   * (a Redis restart without persistence) and counts from the start again.
   */
  load(): Promise<StoredPolicies>;
  /** Stores `policy` for `model` only if none is stored yet (the configured start-up policy); answers what is stored. */
  seed(model: string, policy: TrafficPolicy): Promise<StoredPolicy>;
  /** Stores `policy` for `model` and announces it to every watcher; answers it with its revision. */
  save(model: string, policy: TrafficPolicy): Promise<StoredPolicy>;
  /** At most one watcher per store: the registry that owns it. */
  watch(watcher: PolicyWatcher): void;
  dispose(): Promise<void>;
}
