/**
 * The model registry: which versions exist, which is loaded, the default
 * version of each model and its canary. It is the single source of truth the
 * subgraphs read over gRPC; every change is emitted as a ModelEvent.
 *
 * Versions load as registry/versions.ts says; the traffic policy is
 * validated by policy/validation.ts and shared with the other replicas by
 * policy/replication.ts; the start-up policy comes from policy/configured.ts.
 *
 * Repository control: `load` scans a version's folder again (or for the first
 * time: a new version) and loads and warms it; `unload` drains and frees one.
 * Which versions are unloaded, and how many times each was loaded, is part of
 * the shared policy, so an unload or load on one replica applies on all (each
 * drains or loads its own copy, and adds a version folder it had not seen).
 */
import { EventEmitter } from 'node:events';

import { InferGraphError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import type { CanarySetting } from '../../../lib/traffic-policy';
import type { InputKind, LoadedModel, ModelDefinition, ModelVersionDefinition, VersionSource } from '../models/types';
import { configuredPolicies } from '../policy/configured';
import { MemoryPolicyStore } from '../policy/memory';
import { PolicyReplica } from '../policy/replication';
import type { PolicyStore } from '../policy/store';
import { loadCount } from '../policy/validation';
import type { PolicyChange } from '../policy/validation';
import { ModelSlot, checkedName } from './model-slot';
import { ModelVersion } from './versions';
import type { VersionEventKind, VersionStatus } from './versions';

export interface VersionInfo extends VersionStatus {
  readonly version: string;
  readonly description: string;
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

export type RegistryEventKind = 'POLICY_CHANGED' | VersionEventKind;

export interface RegistryEvent {
  readonly kind: RegistryEventKind;
  readonly model: ModelSnapshot;
}

export interface RegistryOptions {
  readonly defaultVersions: ReadonlyMap<string, string>;
  readonly canary: readonly CanarySetting[];
  readonly loadRetryMs: number;
  /** Owned: dispose() closes it. In memory unless given. */
  readonly policyStore?: PolicyStore;
  /** Without one, `load` loads the versions of the catalog again and finds no new ones. */
  readonly source?: VersionSource;
  readonly logger?: Logger;
  readonly now?: () => number;
}

export class ModelRegistry extends EventEmitter<{ change: [RegistryEvent] }> {
  private readonly models = new Map<string, ModelSlot>();
  private readonly policy: PolicyReplica;
  private readonly now: () => number;
  private drain: (loaded: LoadedModel) => Promise<void> = () => Promise.resolve();
  /** Per model, the load ids its last change event listed (loadIdsListed). */
  private readonly listed = new Map<string, string>();

  constructor(
    catalog: readonly ModelDefinition[],
    private readonly options: RegistryOptions,
  ) {
    super();
    // One listener per WatchModels stream: one per subgraph replica.
    this.setMaxListeners(0);
    this.now = options.now ?? Date.now;
    const configured = configuredPolicies(catalog, options.defaultVersions, options.canary);
    for (const definition of catalog) {
      this.models.set(definition.name, new ModelSlot(definition, (v) => this.version(definition, v), options.source));
    }
    this.policy = new PolicyReplica({
      store: options.policyStore ?? new MemoryPolicyStore(),
      models: configured,
      applied: (model, traffic) => {
        this.models.get(model)?.follow(this.policy.policyOf(model), options.logger);
        // A load counted elsewhere unnames this replica's load at once (see snapshot): watchers hear of that too.
        if (traffic || this.loadIdsListed(this.get(model)) !== this.listed.get(model)) this.changed('POLICY_CHANGED', model);
      },
      named: (model, versions) => {
        const slot = this.models.get(model);
        for (const definition of slot?.unknown(versions) ?? []) {
          if (!slot) break;
          this.added(slot, definition);
          this.changed('VERSION_UNLOADED', model);
        }
      },
      logger: options.logger,
    });
  }

  /** How a version's last calls are waited for before it is freed: the engine drains its queue (engine/engine.ts). */
  drainWith(drain: (loaded: LoadedModel) => Promise<void>): void {
    this.drain = drain;
  }

  /** Which store holds the policy: "memory" or "redis". */
  get policyStoreKind(): string {
    return this.policy.kind;
  }

  /** Starts following the policy store (policy/replication.ts); resolves once synced, or after a bounded wait. */
  startPolicy(): Promise<void> {
    return this.policy.start();
  }

  dispose(): Promise<void> {
    return this.policy.dispose();
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
    const chosen = version === '' ? this.policy.policyOf(model).defaultVersion : version;
    slot.version(chosen);
    return { definition: slot.definition, version: chosen };
  }

  /** The loaded version, loading it first if needed. */
  async acquire(model: string, version: string): Promise<LoadedModel> {
    return this.model(model).version(version).acquire();
  }

  /** Which load of the version `loaded` is (VersionStatus.loadId); what its answers are stamped with. */
  loadIdOf(model: string, version: string, loaded: LoadedModel): string {
    return this.models.get(model)?.versions.get(version)?.loadIdOf(loaded) ?? '';
  }

  /** Loads every version but those unloaded on purpose. */
  async loadAll(): Promise<void> {
    const loads = [...this.models.values()].flatMap((m) =>
      [...m.versions.values()].filter((v) => !v.status.unloaded).map((v) => v.acquire().then(() => undefined)),
    );
    await Promise.allSettled(loads);
  }

  /**
   * Loads (or reloads) a version: its folder is scanned again (a version not known yet is added), it loads and
   * warms up, and only then serves. Once it serves here the load is shared, and every other replica loads it too
   * (adding its folder if new); a load that fails here is shared with none. Answers the model as it is then.
   */
  async load(model: string, version: string): Promise<ModelSnapshot> {
    const slot = this.model(checkedName('model', model));
    const definition = slot.scanned(checkedName('version', version));
    const known = slot.versions.get(version);
    const target = known ?? this.added(slot, definition);
    if (!known) this.changed('VERSION_UNLOADED', model);
    // Refused before it loads here when it could not be shared (the newest policy names a version this replica lacks).
    await this.policy.check({ model, load: version });
    // Held, so a policy applied meanwhile neither unloads it while it warms up nor loads it a second time; once
    // released, it follows the policy then (an unload stored meanwhile and overtaken by this load's, say).
    slot.hold(version);
    try {
      // Made for the load count the policy holds once this load is shared, so its answers are named by it at once.
      // A load already under way here for that count (two at once) is counted before this one.
      const count = Math.max(loadCount(this.policy.policyOf(model), version), target.requestedLoadCount) + 1;
      await target.reload(definition, count);
      await this.policy.change({ model, load: version });
    } finally {
      slot.release(version, this.policy.policyOf(model), this.options.logger);
    }
    return this.snapshot(slot);
  }

  /**
   * Unloads a version on every replica: refused (MODEL_VERSION_IN_USE) for the default version or the canary;
   * otherwise it takes no new calls, its in-flight batches finish, and it is freed. Answers once that is done here.
   */
  async unload(model: string, version: string): Promise<ModelSnapshot> {
    const slot = this.model(checkedName('model', model));
    const target = slot.version(checkedName('version', version));
    await this.policy.change({ model, unload: version });
    await target.unload();
    return this.snapshot(slot);
  }

  /**
   * Scans the repository for version folders not known yet and adds them, UNLOADED (a VERSION_UNLOADED event
   * each), or loaded too when `load` (LOAD_ALL_MODELS).
   */
  rescan(load: boolean): void {
    for (const slot of this.models.values()) {
      for (const definition of slot.newFolders()) {
        const added = this.added(slot, definition);
        this.options.logger?.info({ model: slot.name, version: definition.version }, 'new model version folder found');
        this.changed('VERSION_UNLOADED', slot.name);
        if (load) added.acquire().catch(() => undefined);
      }
    }
  }

  /** Validates the change and stores it for every replica, then answers the model as it is. */
  async setTrafficPolicy(change: PolicyChange): Promise<ModelSnapshot> {
    const slot = this.model(change.model);
    await this.policy.change(change);
    return this.snapshot(slot);
  }

  /** Whether the registry has this model version (without throwing, for metric labels). */
  has(model: string, version: string): boolean {
    return this.models.get(model)?.versions.has(version) ?? false;
  }

  private version(definition: ModelDefinition, v: ModelVersionDefinition): ModelVersion {
    const name = definition.name;
    return new ModelVersion(name, v, {
      loadRetryMs: this.options.loadRetryMs,
      now: this.now,
      loadCount: () => loadCount(this.policy.policyOf(name), v.version),
      warmup: definition.warmup ?? [],
      settled: (kind) => this.changed(kind, name),
      drain: (loaded) => this.drain(loaded),
    });
  }

  /** A version found after start-up, unloaded when the shared policy unloads it. */
  private added(slot: ModelSlot, definition: ModelVersionDefinition): ModelVersion {
    const { version } = definition;
    this.policy.addVersion(slot.name, version);
    const policy = this.policy.policyOf(slot.name);
    const added = slot.add(definition);
    if (policy.unloaded?.includes(version)) void added.unload();
    return added;
  }

  private changed(kind: RegistryEventKind, name: string): void {
    const model = this.get(name);
    this.listed.set(name, this.loadIdsListed(model));
    this.emit('change', { kind, model });
  }

  private loadIdsListed(model: ModelSnapshot): string {
    return model.versions.map((v) => v.loadId ?? '').join(' ');
  }

  private model(name: string): ModelSlot {
    const slot = this.models.get(name);
    if (!slot)
      throw new InferGraphError(
        'MODEL_NOT_FOUND',
        `no model named ${JSON.stringify(name)}; models are ${[...this.models.keys()].join(', ')}`,
      );
    return slot;
  }

  private snapshot(slot: ModelSlot): ModelSnapshot {
    const policy = this.policy.policyOf(slot.definition.name);
    const { defaultVersion, canary } = policy;
    return {
      name: slot.definition.name,
      description: slot.definition.description,
      inputKind: slot.definition.inputKind,
      defaultVersion,
      canary,
      versions: [...slot.versions.values()].map((v) => ({
        version: v.definition.version,
        description: v.definition.description,
        ...v.status,
        // A load older than the policy's count (this replica is still reloading, or its reload failed) is not named:
        // a prediction cache going by this replica's list then serves nothing of it, rather than its answers as current.
        loadId: (v.status.loadCount ?? -1) >= loadCount(policy, v.definition.version) ? v.status.loadId : undefined,
        isDefault: v.definition.version === defaultVersion,
        isCanary: v.definition.version === canary?.version,
      })),
    };
  }
}
