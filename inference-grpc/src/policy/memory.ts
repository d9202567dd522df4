/**
 * The traffic policy in process memory: one replica, or several in one
 * process sharing a MemoryPolicyBackend (tests). Changes are announced
 * synchronously to every store on the backend.
 */
import type { PolicyStore, PolicyWatcher, StoredPolicies, StoredPolicy, TrafficPolicy } from './store';

export class MemoryPolicyBackend {
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
    return Promise.resolve({ policies: new Map(this.backend.policies), revision: this.backend.revision });
  }

  seed(model: string, policy: TrafficPolicy): Promise<StoredPolicy> {
    return Promise.resolve(this.backend.policies.get(model) ?? this.store(model, policy));
  }

  save(model: string, policy: TrafficPolicy): Promise<StoredPolicy> {
    return Promise.resolve(this.store(model, policy));
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
    const stored: StoredPolicy = { defaultVersion: policy.defaultVersion, canary: policy.canary, revision: this.backend.revision };
    this.backend.policies.set(model, stored);
    for (const store of this.backend.stores) store.watcher?.changed(model, stored);
    return stored;
  }
}
