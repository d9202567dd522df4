/**
 * The model registry: which versions exist, which is loaded, the default
 * version of each model and its canary. It is the single source of truth the
 * subgraphs read over gRPC; every change is emitted as a ModelEvent.
 *
 * Versions load on first use (or all at start-up). A version that failed to
 * load answers INFERENCE_UNAVAILABLE at once for `loadRetryMs` before the next
 * attempt, so a broken version is never reloaded in a hot loop.
 *
 * The traffic policy lives in a PolicyStore: in memory for one replica, in
 * Redis when replicas share it. The configured policy (DEFAULT_MODEL_VERSIONS,
 * CANARY) only seeds a store that holds none yet; afterwards SetTrafficPolicy
 * on any replica changes it for all, and each replica applies every change
 * newer than the one it has, whichever replica made it.
 */
import { EventEmitter } from 'node:events';

import { ConfigError } from '../../../lib/config';
import { InferGraphError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import type { CanarySetting } from '../config';
import { MemoryPolicyStore } from '../policy/memory';
import type { PolicyBase, PolicyStore, PolicyWatcher, SaveResult, StoredPolicy, TrafficPolicy } from '../policy/store';
import type { InputKind, LoadedModel, ModelDefinition, ModelVersionDefinition } from '../models/types';

export type VersionState = 'UNLOADED' | 'LOADING' | 'LOADED' | 'FAILED';

export interface VersionInfo {
  readonly version: string;
  readonly description: string;
  readonly state: VersionState;
  readonly loadedAt: Date | undefined;
  readonly loadError: string | undefined;
  readonly isDefault: boolean;
  readonly isCanary: boolean;
}

export interface Canary {
  readonly version: string;
  readonly percent: number;
}

export interface ModelSnapshot {
  readonly name: string;
  readonly description: string;
  readonly inputKind: InputKind;
  readonly defaultVersion: string;
  readonly canary: Canary | undefined;
  readonly versions: readonly VersionInfo[];
}

export type RegistryEventKind = 'POLICY_CHANGED' | 'VERSION_LOADED' | 'VERSION_FAILED';

export interface RegistryEvent {
  readonly kind: RegistryEventKind;
  readonly model: ModelSnapshot;
}

export interface PolicyChange {
  readonly model: string;
  /** Undefined keeps the current default. */
  readonly defaultVersion?: string;
  /** Undefined keeps the current canary; null removes it. */
  readonly canary?: Canary | null;
}

interface VersionSlot {
  readonly definition: ModelVersionDefinition;
  state: VersionState;
  loaded: LoadedModel | undefined;
  loading: Promise<LoadedModel> | undefined;
  loadedAt: Date | undefined;
  loadError: string | undefined;
  failedAt: number;
}

interface ModelSlot {
  readonly definition: ModelDefinition;
  defaultVersion: string;
  canary: Canary | undefined;
  /** Revision of the stored policy applied; 0 until one is. */
  revision: number;
  /** The policy configuration asks for, seeded into an empty store. */
  configured: TrafficPolicy;
  readonly versions: Map<string, VersionSlot>;
}

export interface RegistryOptions {
  readonly defaultVersions: ReadonlyMap<string, string>;
  readonly canary: readonly CanarySetting[];
  readonly loadRetryMs: number;
  /** Owned: dispose() closes it. In memory unless given. */
  readonly policyStore?: PolicyStore;
  readonly logger?: Logger;
  readonly now?: () => number;
}

/** How long start-up waits for the shared policy before serving the configured one (and syncing later). */
const POLICY_SYNC_WAIT_MS = 2000;
/** After a failed sync, when the next one runs (a reconnection also starts one). */
const SYNC_RETRY_MS = 1000;
/** A change that keeps meeting newer changes from other replicas gives up after this many tries. */
const MAX_CHANGE_ATTEMPTS = 5;

export class ModelRegistry extends EventEmitter<{ change: [RegistryEvent] }> {
  private readonly models = new Map<string, ModelSlot>();
  private readonly now: () => number;
  private readonly store: PolicyStore;
  private readonly logger: Logger | undefined;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private retry: NodeJS.Timeout | undefined;
  private disposed = false;
  /** The store's epoch this replica's revisions count in; empty until it has read one. */
  private epoch = '';
  private readonly onSynced = new Set<() => void>();

  constructor(
    catalog: readonly ModelDefinition[],
    private readonly options: RegistryOptions,
  ) {
    super();
    // One listener per WatchModels stream: one per subgraph replica.
    this.setMaxListeners(0);
    this.now = options.now ?? Date.now;
    this.store = options.policyStore ?? new MemoryPolicyStore();
    this.logger = options.logger;
    const problems: string[] = [];
    for (const definition of catalog) {
      const first = definition.versions[0];
      if (first === undefined) throw new Error(`model ${definition.name} has no versions`);
      const versions = new Map(
        definition.versions.map((v): [string, VersionSlot] => [
          v.version,
          { definition: v, state: 'UNLOADED', loaded: undefined, loading: undefined, loadedAt: undefined, loadError: undefined, failedAt: 0 },
        ]),
      );
      const configured = { defaultVersion: first.version, canary: undefined };
      this.models.set(definition.name, { definition, defaultVersion: first.version, canary: undefined, revision: 0, configured, versions });
    }
    for (const [model, version] of options.defaultVersions) {
      const slot = this.models.get(model);
      if (!slot) problems.push(`DEFAULT_MODEL_VERSIONS: unknown model ${model}; models are ${this.names()}`);
      else if (!slot.versions.has(version)) problems.push(`DEFAULT_MODEL_VERSIONS: ${model} has no version ${version}; versions are ${[...slot.versions.keys()].join(', ')}`);
      else slot.defaultVersion = version;
    }
    for (const c of options.canary) {
      const slot = this.models.get(c.model);
      if (!slot) problems.push(`CANARY: unknown model ${c.model}; models are ${this.names()}`);
      else if (!slot.versions.has(c.version)) problems.push(`CANARY: ${c.model} has no version ${c.version}; versions are ${[...slot.versions.keys()].join(', ')}`);
      else if (c.version === slot.defaultVersion) problems.push(`CANARY: ${c.model}:${c.version} is already the default version`);
      else slot.canary = { version: c.version, percent: c.percent };
    }
    if (problems.length > 0) throw new ConfigError(problems);
    for (const slot of this.models.values()) slot.configured = { defaultVersion: slot.defaultVersion, canary: slot.canary };
  }

  /** Which store holds the policy: "memory" or "redis". */
  get policyStoreKind(): string {
    return this.store.kind;
  }

  /**
   * Starts following the policy store: seeds it with the configured policy
   * where it holds none and applies what it holds. Resolves once that is done,
   * or after POLICY_SYNC_WAIT_MS when the store does not answer (the
   * configured policy serves meanwhile and the sync runs when it connects).
   */
  async startPolicy(): Promise<void> {
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
    if (!ok) this.logger?.warn({ store: this.store.kind, waitedMs: POLICY_SYNC_WAIT_MS }, 'shared traffic policy not read at start-up; serving the configured one until it is');
  }

  dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.retry);
    return this.store.dispose();
  }

  list(): ModelSnapshot[] {
    return [...this.models.values()].map((m) => this.snapshot(m));
  }

  get(name: string): ModelSnapshot {
    return this.snapshot(this.model(name));
  }

  /** The version a request names, or the model's default version when it names none. */
  resolve(model: string, version: string): { definition: ModelDefinition; version: string } {
    const slot = this.model(model);
    const chosen = version === '' ? slot.defaultVersion : version;
    if (!slot.versions.has(chosen)) {
      throw new InferGraphError(
        'MODEL_VERSION_NOT_FOUND',
        `model ${model} has no version ${JSON.stringify(chosen)}; versions are ${[...slot.versions.keys()].join(', ')}`,
      );
    }
    return { definition: slot.definition, version: chosen };
  }

  /** The loaded version, loading it first if needed. */
  async acquire(model: string, version: string): Promise<LoadedModel> {
    const slot = this.version(model, version);
    if (slot.loaded) return slot.loaded;
    if (slot.state === 'FAILED' && this.now() - slot.failedAt < this.options.loadRetryMs) {
      const retryIn = Math.ceil((slot.failedAt + this.options.loadRetryMs - this.now()) / 1000);
      throw new InferGraphError(
        'INFERENCE_UNAVAILABLE',
        `${model}:${version} failed to load (${slot.loadError ?? 'unknown error'}); next attempt in ${retryIn} s`,
      );
    }
    slot.loading ??= this.load(model, slot);
    return slot.loading;
  }

  async loadAll(): Promise<void> {
    const loads = [...this.models.values()].flatMap((m) =>
      [...m.versions.keys()].map((v) => this.acquire(m.definition.name, v).then(() => undefined)),
    );
    await Promise.allSettled(loads);
  }

  /**
   * Validates the change against the policy this replica has and stores it
   * for every replica, then answers the model as it is. When another replica
   * changed the policy meanwhile, the change is made again on top of that.
   */
  async setTrafficPolicy(change: PolicyChange): Promise<ModelSnapshot> {
    const slot = this.model(change.model);
    for (let attempt = 1; ; attempt += 1) {
      const next = this.nextPolicy(slot, change);
      const { stored, conflict } = await this.saved(change.model, next, { epoch: this.epoch, revision: slot.revision });
      this.apply(change.model, stored);
      if (!conflict) return this.snapshot(slot);
      if (attempt >= MAX_CHANGE_ATTEMPTS) {
        throw new InferGraphError('INFERENCE_UNAVAILABLE', `the traffic policy of ${change.model} kept changing on other replicas; ${attempt} attempts failed, try again`);
      }
    }
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

  /** The policy `change` asks for, on top of what this replica has; throws when it is not valid here. */
  private nextPolicy(slot: ModelSlot, change: PolicyChange): TrafficPolicy {
    const defaultVersion = change.defaultVersion ?? slot.defaultVersion;
    let canary = change.canary === undefined ? slot.canary : (change.canary ?? undefined);
    // Promoting the canary to default ends the canary.
    if (change.canary === undefined && canary?.version === defaultVersion) canary = undefined;
    const next = { defaultVersion, canary };
    const problem = this.policyProblem(slot, next);
    if (problem) throw problem;
    return next;
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
            [...this.models.values()].map((slot) =>
              this.store.seed(slot.definition.name, slot.revision > 0 ? { defaultVersion: slot.defaultVersion, canary: slot.canary } : slot.configured),
            ),
          );
          const stored = await this.store.load();
          this.follow(stored.epoch);
          for (const [model, policy] of stored.policies) this.apply(model, policy);
          for (const done of [...this.onSynced]) done();
        } catch (err) {
          if (this.disposed) return;
          this.logger?.warn({ store: this.store.kind, err: (err as Error).message, retryInMs: SYNC_RETRY_MS }, 'traffic policy not synced with its store; serving the last one known');
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
    if (this.epoch !== '') this.logger?.warn({ from: this.epoch, to: epoch }, 'traffic policy store started a new epoch (it lost its data); following it');
    this.epoch = epoch;
    for (const slot of this.models.values()) slot.revision = 0;
  }

  /**
   * Applies a stored policy newer than this replica's, if its versions exist
   * here. One it cannot serve is skipped but still counted as seen, so this
   * replica's next change is made from the latest stored revision.
   */
  private apply(model: string, policy: StoredPolicy): void {
    this.follow(policy.epoch);
    const slot = this.models.get(model);
    if (!slot || policy.revision <= slot.revision) return;
    slot.revision = policy.revision;
    const problem = this.policyProblem(slot, policy);
    if (problem) {
      this.logger?.warn({ model, revision: policy.revision, problem: problem.message }, 'stored traffic policy ignored: this replica cannot serve it');
      return;
    }
    if (slot.defaultVersion === policy.defaultVersion && slot.canary?.version === policy.canary?.version && slot.canary?.percent === policy.canary?.percent) return;
    slot.defaultVersion = policy.defaultVersion;
    slot.canary = policy.canary;
    this.changed('POLICY_CHANGED', slot);
  }

  /**
   * Why `policy` cannot hold for this model here, as the error a change asking
   * for it gets (a stored one from another replica is logged and skipped).
   */
  private policyProblem(slot: ModelSlot, policy: TrafficPolicy): InferGraphError | undefined {
    const model = slot.definition.name;
    const versions = [...slot.versions.keys()].join(', ');
    if (!slot.versions.has(policy.defaultVersion)) {
      return new InferGraphError('MODEL_VERSION_NOT_FOUND', `model ${model} has no version ${JSON.stringify(policy.defaultVersion)}; versions are ${versions}`);
    }
    const { canary } = policy;
    if (!canary) return undefined;
    if (!slot.versions.has(canary.version)) {
      return new InferGraphError('MODEL_VERSION_NOT_FOUND', `model ${model} has no version ${JSON.stringify(canary.version)} for a canary; versions are ${versions}`);
    }
    if (!Number.isInteger(canary.percent) || canary.percent < 1 || canary.percent > 100) {
      return new InferGraphError('BAD_USER_INPUT', `canary percent must be an integer from 1 to 100, got ${canary.percent}`);
    }
    if (canary.version === policy.defaultVersion) {
      return new InferGraphError('BAD_USER_INPUT', `canary version ${canary.version} is the default version; choose another version or clear the canary`);
    }
    return undefined;
  }

  private async load(model: string, slot: VersionSlot): Promise<LoadedModel> {
    slot.state = 'LOADING';
    try {
      const loaded = await slot.definition.load();
      Object.assign(slot, { state: 'LOADED', loaded, loadedAt: new Date(this.now()), loadError: undefined });
      this.changed('VERSION_LOADED', this.model(model));
      return loaded;
    } catch (err) {
      Object.assign(slot, { state: 'FAILED', loadError: err instanceof Error ? err.message : String(err), failedAt: this.now() });
      this.changed('VERSION_FAILED', this.model(model));
      throw new InferGraphError('INFERENCE_UNAVAILABLE', `${model}:${slot.definition.version} failed to load (${slot.loadError})`);
    } finally {
      slot.loading = undefined;
    }
  }

  private changed(kind: RegistryEventKind, slot: ModelSlot): ModelSnapshot {
    const model = this.snapshot(slot);
    this.emit('change', { kind, model });
    return model;
  }

  /** Whether the registry has this model version (without throwing, for metric labels). */
  has(model: string, version: string): boolean {
    return this.models.get(model)?.versions.has(version) ?? false;
  }

  private model(name: string): ModelSlot {
    const slot = this.models.get(name);
    if (!slot) throw new InferGraphError('MODEL_NOT_FOUND', `no model named ${JSON.stringify(name)}; models are ${this.names()}`);
    return slot;
  }

  private version(model: string, version: string): VersionSlot {
    const slot = this.model(model).versions.get(version);
    if (!slot) throw new InferGraphError('MODEL_VERSION_NOT_FOUND', `model ${model} has no version ${JSON.stringify(version)}`);
    return slot;
  }

  private names(): string {
    return [...this.models.keys()].join(', ');
  }

  private snapshot(slot: ModelSlot): ModelSnapshot {
    return {
      name: slot.definition.name,
      description: slot.definition.description,
      inputKind: slot.definition.inputKind,
      defaultVersion: slot.defaultVersion,
      canary: slot.canary,
      versions: [...slot.versions.values()].map((v) => ({
        version: v.definition.version,
        description: v.definition.description,
        state: v.state,
        loadedAt: v.loadedAt,
        loadError: v.loadError,
        isDefault: v.definition.version === slot.defaultVersion,
        isCanary: v.definition.version === slot.canary?.version,
      })),
    };
  }
}
