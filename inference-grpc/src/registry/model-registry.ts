/**
 * The model registry: which versions exist, which is loaded, the default
 * version of each model and its canary. It is the single source of truth the
 * subgraphs read over gRPC; every change is emitted as a ModelEvent.
 *
 * Versions load as registry/versions.ts says; the traffic policy is
 * validated by policy/validation.ts and shared with the other replicas by
 * policy/replication.ts; the start-up policy comes from policy/configured.ts.
 */
import { EventEmitter } from 'node:events';

import { InferGraphError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import type { CanarySetting } from '../../../lib/traffic-policy';
import type { InputKind, LoadedModel, ModelDefinition } from '../models/types';
import { configuredPolicies } from '../policy/configured';
import { MemoryPolicyStore } from '../policy/memory';
import { PolicyReplica } from '../policy/replication';
import type { PolicyStore } from '../policy/store';
import type { PolicyChange } from '../policy/validation';
import { ModelVersion } from './versions';
import type { VersionStatus } from './versions';

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

export type RegistryEventKind = 'POLICY_CHANGED' | 'VERSION_LOADED' | 'VERSION_FAILED';

export interface RegistryEvent {
  readonly kind: RegistryEventKind;
  readonly model: ModelSnapshot;
}

interface ModelSlot {
  readonly definition: ModelDefinition;
  readonly versions: ReadonlyMap<string, ModelVersion>;
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

export class ModelRegistry extends EventEmitter<{ change: [RegistryEvent] }> {
  private readonly models = new Map<string, ModelSlot>();
  private readonly policy: PolicyReplica;

  constructor(catalog: readonly ModelDefinition[], options: RegistryOptions) {
    super();
    // One listener per WatchModels stream: one per subgraph replica.
    this.setMaxListeners(0);
    const now = options.now ?? Date.now;
    const configured = configuredPolicies(catalog, options.defaultVersions, options.canary);
    for (const definition of catalog) {
      const name = definition.name;
      const settled = (kind: RegistryEventKind): void => this.changed(kind, name);
      const versions = new Map(
        definition.versions.map((v) => [v.version, new ModelVersion(name, v, { loadRetryMs: options.loadRetryMs, now, settled })]),
      );
      this.models.set(name, { definition, versions });
    }
    this.policy = new PolicyReplica({
      store: options.policyStore ?? new MemoryPolicyStore(),
      models: configured,
      applied: (model) => this.changed('POLICY_CHANGED', model),
      logger: options.logger,
    });
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
    const slot = this.model(model).versions.get(version);
    if (!slot) throw new InferGraphError('MODEL_VERSION_NOT_FOUND', `model ${model} has no version ${JSON.stringify(version)}`);
    return slot.acquire();
  }

  async loadAll(): Promise<void> {
    const loads = [...this.models.values()].flatMap((m) => [...m.versions.values()].map((v) => v.acquire().then(() => undefined)));
    await Promise.allSettled(loads);
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

  private changed(kind: RegistryEventKind, name: string): void {
    this.emit('change', { kind, model: this.get(name) });
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
    const { defaultVersion, canary } = this.policy.policyOf(slot.definition.name);
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
        isDefault: v.definition.version === defaultVersion,
        isCanary: v.definition.version === canary?.version,
      })),
    };
  }
}
