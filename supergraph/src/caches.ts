/**
 * The caches callers fill: Apollo Server's parsed and validated documents
 * and the gateway's query plans. Only operations that passed ./gate reach
 * them (an authenticated caller, within its rate limit, with a text inside
 * MAX_OPERATION_BYTES, MAX_TOKENS and MAX_NESTING), and each is bounded in
 * bytes, measured as Apollo measures them: the size of their JSON.
 */
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';

const MIB = 1024 * 1024;

/** Apollo Server's document store, least recently used first out past `mib` MiB. */
export function documentCache(mib: number): InMemoryLRUCache<DocumentNode> {
  // Its default measure is the JSON size (InMemoryLRUCache.sizeCalculation).
  return new InMemoryLRUCache<DocumentNode>({ maxSize: mib * MIB });
}
