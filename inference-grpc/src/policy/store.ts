/**
 * Where the traffic policy (default version, canary and unloaded versions of each model) lives.
 * In memory for one replica; in Redis when replicas share it, so every
 * replica serves the same policy and every WatchModels stream, on any
 * replica, reports every change.
 *
 * Every stored policy carries a revision, increasing across all models and
 * replicas, so a replica applies a change only when it is newer than what it
 * has: a message that arrives late or twice changes nothing. Revisions count
 * within an epoch: a store that lost its data (Redis restarted empty, keys
 * flushed) starts a new epoch, and replicas start counting again with it.
 *
 * A change is a compare-and-set on the revision the replica made it from, so
 * two replicas changing different fields at once cannot silently drop one:
 * the second is told of the first and makes its change again on top of it.
 */
export interface TrafficPolicy {
  readonly defaultVersion: string;
  readonly canary: { readonly version: string; readonly percent: number } | undefined;
  /**
   * Versions unloaded on purpose (RepositoryModelUnload): no replica serves or lazily loads them until one is
   * loaded again. Undefined, as in policies stored before versions could be unloaded, means none.
   */
  readonly unloaded?: readonly string[];
  /**
   * How many times each version was loaded on request (RepositoryModelLoad), so every replica loads it again when
   * the count changes, and adds a version folder it had not seen. Undefined, as in policies stored before, means none.
   */
  readonly loads?: Readonly<Record<string, number>>;
}

export interface StoredPolicy extends TrafficPolicy {
  readonly epoch: string;
  readonly revision: number;
}

export interface StoredPolicies {
  readonly policies: ReadonlyMap<string, StoredPolicy>;
  /** The store's epoch now; empty when it holds nothing yet. */
  readonly epoch: string;
}

/** What a change was made from: the stored policy the replica had applied (revision 0 if none). */
export interface PolicyBase {
  readonly epoch: string;
  readonly revision: number;
}

export interface SaveResult {
  /** What is stored now: the change, or on a conflict the newer policy it was not made from. */
  readonly stored: StoredPolicy;
  readonly conflict: boolean;
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
  /** Every stored policy, by model, and the store's epoch. */
  load(): Promise<StoredPolicies>;
  /** Stores `policy` for `model` only if none is stored yet (the configured start-up policy); answers what is stored. */
  seed(model: string, policy: TrafficPolicy): Promise<StoredPolicy>;
  /**
   * Stores `policy` for `model` and announces it to every watcher, if what is
   * stored is still `base` (or nothing); otherwise stores nothing and answers
   * the newer policy as a conflict.
   */
  save(model: string, policy: TrafficPolicy, base: PolicyBase): Promise<SaveResult>;
  /** At most one watcher per store: the registry that owns it. */
  watch(watcher: PolicyWatcher): void;
  dispose(): Promise<void>;
}
