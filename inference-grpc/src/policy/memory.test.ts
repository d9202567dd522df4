import { policyStoreContract } from './contract';
import { MemoryPolicyBackend, MemoryPolicyStore } from './memory';

policyStoreContract('MemoryPolicyStore', () => {
  const backend = new MemoryPolicyBackend();
  return Promise.resolve({ store: () => Promise.resolve(new MemoryPolicyStore(backend)), cleanup: () => Promise.resolve() });
});
