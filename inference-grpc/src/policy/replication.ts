/**
 * This replica's copy of the traffic policy, kept in step with its
 * PolicyStore (memory for one replica, Redis when replicas share it). The
 * configured policy only seeds a store that holds none yet; afterwards a
 * change on any replica changes it for all, and each replica applies every
 * stored change newer than the one it has, whichever replica made it.
 */
import { InferGraphError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import type { PolicyBase, PolicyStore, PolicyWatcher, SaveResult, StoredPolicy, TrafficPolicy } from './store';
import { loadCount, nextPolicy, policyProblem } from './validation';
import type { PolicyChange } from './validation';

/** How long start-up waits for the shared policy before serving the configured one (and syncing later). */
const POLICY_SYNC_WAIT_MS = 2000;
/** After a failed sync, when the next one runs (a reconnection also starts one). */
const SYNC_RETRY_MS = 1000;
/** A change that keeps meeting newer changes from other replicas gives up after this many tries. */
const MAX_CHANGE_ATTEMPTS = 5;

/** What the replica knows of a model: the versions a policy may name, and the policy configuration asks for. */
export interface ReplicatedModel {
  readonly versions: readonly string[];
  readonly configured: TrafficPolicy;
}

interface ModelPolicy {
  /** Grows when a new version folder is found (registry rescan). */
  versions: readonly string[];
  readonly configured: TrafficPolicy;
  policy: TrafficPolicy;
  /**
   * The latest stored policy, even one this replica skipped (it could not serve it): changes are made from it, so
   * one made here never undoes a change it skipped, and is refused while this replica cannot serve the result.
   */
  latest: TrafficPolicy;
  /** Revision of the stored policy applied; 0 until one is. */
  revision: number;
}

export interface PolicyReplicaOptions {
  /** Owned: dispose() closes it. */
  readonly store: PolicyStore;
  readonly models: ReadonlyMap<string, ReplicatedModel>;
  /**
   * Told after a stored policy changed what this replica serves for `model`: `traffic` when its default version or
   * canary changed, else only its unloaded versions or load counts did.
   */
  readonly applied: (model: string, traffic: boolean) => void;
  /**
   * Told the versions a stored policy names before it is applied, so the registry can add those whose folders it
   * had not scanned yet (a load made on another replica) and the policy is not skipped for want of them.
   */
  readonly named?: (model: string, versions: readonly string[]) => void;
  readonly logger?: Logger;
}

export class PolicyReplica {
  private readonly models = new Map<string, ModelPolicy>();
  private readonly store: PolicyStore;
  private readonly logger: Logger | undefined;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private retry: NodeJS.Timeout | undefined;
  private disposed = false;
  /** The store's epoch this replica's revisions count in; empty until it has read one. */
  private epoch = '';
  private readonly onSynced = new Set<() => void>();

  constructor(private readonly options: PolicyReplicaOptions) {
    this.store = options.store;
    this.logger = options.logger;
    for (const [name, model] of options.models)
      this.models.set(name, { ...model, policy: model.configured, latest: model.configured, revision: 0 });
  }

  /** Which store holds the policy: "memory" or "redis". */
  get kind(): string {
    return this.store.kind;
  }

  /** A version folder found after start-up: policies may name it from now on. */
  addVersion(model: string, version: string): void {
    const found = this.model(model);
    if (!found.versions.includes(version)) found.versions = [...found.versions, version];
  }

  /** The policy this replica serves for a model of its catalog. */
  policyOf(model: string): TrafficPolicy {
    return this.model(model).policy;
  }

  /**
   * Starts following the store: seeds it with the configured policy where it
   * holds none and applies what it holds. Resolves once that is done, or
   * after POLICY_SYNC_WAIT_MS when the store does not answer (the configured
   * policy serves meanwhile and the sync runs when it connects).
   */
  async start(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const synced = new Promise<boolean>((resolve) => {
      const done = (): void => {
        this.onSynced.delete(done);
        resolve(true);
      };
      this.onSynced.add(done);
      timer = setTimeout(() => {
        this.onSynced.delete(done);
        resolve(false);
      }, POLICY_SYNC_WAIT_MS);
    });
    const watcher: PolicyWatcher = {
      changed: (model, policy) => this.apply(model, policy),
      reconnected: () => void this.sync(),
    };
    this.store.watch(watcher);
    const ok = await synced;
    clearTimeout(timer);
    if (!ok)
      this.logger?.warn(
        { store: this.store.kind, waitedMs: POLICY_SYNC_WAIT_MS },
        'shared traffic policy not read at start-up; serving the configured one until it is',
      );
  }

  dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.retry);
    return this.store.dispose();
  }

  /**
   * Validates the change against the policy this replica has and stores it
   * for every replica. When another replica changed the policy meanwhile,
   * the change is made again on top of that.
   */
  async change(change: PolicyChange): Promise<void> {
    const model = this.model(change.model);
    for (let attempt = 1; ; attempt += 1) {
      const next = this.next(model, change);
      const { stored, conflict } = await this.saved(change.model, next, { epoch: this.epoch, revision: model.revision });
      this.apply(change.model, stored);
      if (!conflict) return;
      if (attempt >= MAX_CHANGE_ATTEMPTS) {
        throw new InferGraphError(
          'INFERENCE_UNAVAILABLE',
          `the traffic policy of ${change.model} kept changing on other replicas; ${attempt} attempts failed, try again`,
        );
      }
    }
  }

  /**
   * Throws why `change` cannot be made on top of the newest stored policy (one this replica skipped included), read
   * from the store afresh, or that the store cannot be read, so work it would need, like loading a version, is not
   * done for a change that would be refused.
   */
  async check(change: PolicyChange): Promise<void> {
    const model = this.model(change.model);
    const stored = (await this.store.load()).policies.get(change.model);
    if (stored) this.apply(change.model, stored);
    this.next(model, change);
  }

  /** The policy `change` makes of the newest stored one, or the error why it cannot hold here. */
  private next(model: ModelPolicy, change: PolicyChange): TrafficPolicy {
    const next = nextPolicy(model.latest, change);
    const problem = policyProblem(change.model, model.versions, next, change);
    if (problem) throw problem;
    return next;
  }

  private model(name: string): ModelPolicy {
    const model = this.models.get(name);
    if (!model) throw new Error(`no traffic policy for model ${name}: it is not in the catalog`);
    return model;
  }

  /** The store's answer to a change; after a failure that may have been a success, the replica reads the store again. */
  private async saved(model: string, next: TrafficPolicy, base: PolicyBase): Promise<SaveResult> {
    try {
      return await this.store.save(model, next, base);
    } catch (err) {
      void this.sync();
      throw err;
    }
  }

  /**
   * Seeds the store where it lacks a policy (with the configured one, or the
   * one this replica serves if it already followed the store: a store that
   * lost its data gets the last policy back), then applies what it holds.
   * One sync at a time; one asked for while another runs runs after it, since
   * the running one may have read the store before what prompted it.
   */
  private sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        if (this.disposed) return;
        try {
          await Promise.all(
            [...this.models].map(([name, model]) => this.store.seed(name, model.revision > 0 ? model.policy : model.configured)),
          );
          const stored = await this.store.load();
          this.follow(stored.epoch);
          for (const [model, policy] of stored.policies) this.apply(model, policy);
          for (const done of [...this.onSynced]) done();
        } catch (err) {
          if (this.disposed) return;
          this.logger?.warn(
            { store: this.store.kind, err: (err as Error).message, retryInMs: SYNC_RETRY_MS },
            'traffic policy not synced with its store; serving the last one known',
          );
          clearTimeout(this.retry);
          this.retry = setTimeout(() => void this.sync(), SYNC_RETRY_MS);
          this.retry.unref();
          return;
        }
      } while (this.syncAgain);
    })().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /** A new epoch: the store lost its data and counts revisions afresh, so what this replica counted no longer compares. */
  private follow(epoch: string): void {
    if (epoch === '' || epoch === this.epoch) return;
    if (this.epoch !== '')
      this.logger?.warn({ from: this.epoch, to: epoch }, 'traffic policy store started a new epoch (it lost its data); following it');
    this.epoch = epoch;
    for (const model of this.models.values()) model.revision = 0;
  }

  /**
   * Applies a stored policy newer than this replica's, if its versions exist
   * here (once the registry has added those it finds folders for). One it
   * cannot serve is skipped but still counted as seen; this replica's next
   * change is made from it, not from the policy it serves.
   */
  private apply(name: string, stored: StoredPolicy): void {
    this.follow(stored.epoch);
    const model = this.models.get(name);
    if (!model || stored.revision <= model.revision) return;
    model.revision = stored.revision;
    model.latest = stored;
    this.options.named?.(name, [
      stored.defaultVersion,
      ...(stored.canary ? [stored.canary.version] : []),
      ...(stored.unloaded ?? []),
      ...Object.keys(stored.loads ?? {}),
    ]);
    const problem = policyProblem(name, model.versions, stored);
    if (problem) {
      this.logger?.warn(
        { model: name, revision: stored.revision, problem: problem.message },
        'stored traffic policy ignored: this replica cannot serve it',
      );
      return;
    }
    const { policy } = model;
    const traffic =
      policy.defaultVersion !== stored.defaultVersion ||
      policy.canary?.version !== stored.canary?.version ||
      policy.canary?.percent !== stored.canary?.percent;
    const unloaded = stored.unloaded ?? [];
    const before = policy.unloaded ?? [];
    const loads = stored.loads ?? {};
    const sameLoads =
      Object.keys(loads).length === Object.keys(policy.loads ?? {}).length &&
      Object.keys(loads).every((v) => loadCount(stored, v) === loadCount(policy, v));
    if (!traffic && sameLoads && unloaded.length === before.length && unloaded.every((v) => before.includes(v))) return;
    model.policy = { defaultVersion: stored.defaultVersion, canary: stored.canary, unloaded, loads };
    this.options.applied(name, traffic);
  }
}
