/**
 * The traffic policy in process memory: one replica, or several in one
 * process sharing a MemoryPolicyBackend (tests). Changes are announced
 * synchronously to every store on the backend. Memory never loses its data,
 * so its epoch never changes.
 */
import type { PolicyBase, PolicyStore, PolicyWatcher, SaveResult, StoredPolicies, StoredPolicy, TrafficPolicy } from './store';

export class MemoryPolicyBackend {
  readonly epoch = 'memory';
  readonly policies = new Map<string, StoredPolicy>();
  readonly stores = new Set<MemoryPolicyStore>();
  revision = 0;
}

export class MemoryPolicyStore implements PolicyStore {
  readonly kind = 'memory';
  private watcher: PolicyWatcher | undefined;

  constructor(private readonly backend = new MemoryPolicyBackend()) {
    backend.stores.add(this);
  }

  load(): Promise<StoredPolicies> {
    return Promise.resolve({ policies: new Map(this.backend.policies), epoch: this.backend.epoch });
  }

  seed(model: string, policy: TrafficPolicy): Promise<StoredPolicy> {
    return Promise.resolve(this.backend.policies.get(model) ?? this.store(model, policy));
  }

  save(model: string, policy: TrafficPolicy, base: PolicyBase): Promise<SaveResult> {
    const current = this.backend.policies.get(model);
    if (current && (current.epoch !== base.epoch || current.revision !== base.revision))
      return Promise.resolve({ stored: current, conflict: true });
    return Promise.resolve({ stored: this.store(model, policy), conflict: false });
  }

  watch(watcher: PolicyWatcher): void {
    if (this.watcher) throw new Error('MemoryPolicyStore already has a watcher; each registry owns its own store');
    this.watcher = watcher;
    watcher.reconnected();
  }

  dispose(): Promise<void> {
    this.backend.stores.delete(this);
    this.watcher = undefined;
    return Promise.resolve();
  }

  private store(model: string, policy: TrafficPolicy): StoredPolicy {
    this.backend.revision += 1;
    const stored: StoredPolicy = {
      defaultVersion: policy.defaultVersion,
      canary: policy.canary,
      unloaded: policy.unloaded ?? [],
      loads: policy.loads ?? {},
      epoch: this.backend.epoch,
      revision: this.backend.revision,
    };
    this.backend.policies.set(model, stored);
    for (const store of this.backend.stores) store.watcher?.changed(model, stored);
    return stored;
  }
}
