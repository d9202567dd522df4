/**
 * Whole-response caching of queries (RESPONSE_CACHE), with Apollo's
 * response-cache plugin. What may be cached, and for how long, is what the
 * subgraphs say: Apollo Server in a subgraph turns its schema's @cacheControl
 * hints into a Cache-Control header, and Apollo Gateway restricts the
 * operation's cache policy by each subgraph answer's header (no header:
 * max-age 0), so an operation is cached only when every fetch it made was
 * cacheable, and never with errors. Mutations are never read nor written.
 * Auth, rate limits and the query limits run before the cache is read (their
 * didResolveOperation hooks come first), so a hit is served only to a caller
 * who may ask; a hit costs no plan execution and no subgraph fetch.
 *
 * Freshness comes from invalidation, not max-age: the models subgraph tells of
 * every change its copy of the registry applies (its `modelChanged`
 * subscription, ./model-change-feed.ts), and every change starts a new
 * generation, part of every cache key, so an answer read or computed before
 * the change is never served after it, even one written after it. For
 * SETTLE_MS after a change nothing is stored (see there why). A registry
 * mutation sent through this supergraph starts one too, before it answers, so
 * its caller's next read shows its write; one refused before it ran does not.
 * What bounds staleness beyond that is the hints' max-age: a models-subgraph
 * replica whose own copy lags by more than SETTLE_MS (its stream down, within
 * CATALOG_MAX_STALENESS_MS) may answer a read that is then stored. While the subscription is not open
 * the cache is neither read nor written, and whatever it held is dropped.
 *
 * Clients are told `Cache-Control: no-store` as before: a cache outside the
 * supergraph would hear of no invalidation.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { Kind, OperationTypeNode } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';

import type { Logger } from '../../lib/logger';
import type { SupergraphConfig } from './config';
import type { GatewayContext } from './datasource';
import { ModelChangeFeed } from './model-change-feed';

const MIB = 1024 * 1024;

/**
 * How long after a registry change, or after the subscription opened, no answer is stored. The event comes from the
 * one models-subgraph replica the subscription reached, but a read may go to another replica, whose own copy hears
 * of the change a few milliseconds later: an old answer read there would be stored under the new generation. And
 * between the socket's acknowledgement and the models subgraph taking the subscribe, a change would go untold.
 */
const SETTLE_MS = 1000;

/** Root fields of the mutations that change the registry (the models subgraph's). */
const REGISTRY_MUTATIONS: ReadonlySet<string> = new Set(['setTrafficPolicy', 'loadModelVersion', 'unloadModelVersion']);

type CacheOutcome = 'hit' | 'miss' | 'bypass';

export interface ResponseCacheOptions {
  /** RESPONSE_CACHE */
  readonly enabled: boolean;
  /** RESPONSE_CACHE_MAX_MIB */
  readonly maxMib: number;
  /** True while the models subgraph's modelChanged subscription is open; the cache is bypassed otherwise. */
  readonly synced: () => boolean;
  /** Where infergraph_response_cache_total is registered. */
  readonly metrics: Registry;
}

/** Whether a mutation's root selections (through its fragments) include a registry mutation. */
function touchesRegistry(set: SelectionSetNode, document: DocumentNode | undefined): boolean {
  return set.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return REGISTRY_MUTATIONS.has(selection.name.value);
    const fragment =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection
        : document?.definitions.find(
            (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
          );
    return fragment !== undefined && touchesRegistry(fragment.selectionSet, document);
  });
}

export class ResponseCache {
  private generation = 0;
  /** When answers of reads starting from then on may be stored again (performance.now()). */
  private storableFrom = 0;
  private readonly store: InMemoryLRUCache;
  private readonly outcomes: Counter<'outcome'>;

  constructor(private readonly options: ResponseCacheOptions) {
    // Its default measure is the stored JSON's length.
    this.store = new InMemoryLRUCache({ maxSize: options.maxMib * MIB });
    this.outcomes = new Counter({
      name: 'infergraph_response_cache_total',
      help: 'Queries by what the response cache did: hit (answered from it), miss (executed, then stored if cacheable) or bypass (its modelChanged subscription was not open).',
      labelNames: ['outcome'],
      registers: [options.metrics],
    });
  }

  /** The registry changed: nothing cached before now is served again, and reads in the next SETTLE_MS store nothing. */
  changed(): void {
    this.invalidate();
    this.storableFrom = performance.now() + SETTLE_MS;
  }

  dispose(): void {
    this.store.clear();
  }

  /**
   * The cache of `config`, and when RESPONSE_CACHE is on, the modelChanged subscription to the models subgraph at
   * `modelsWsUrl` (its graphql-ws URL) that keeps it current, opened by `listen` (once the supergraph serves: a start
   * that fails opens no socket); `close` stops both.
   */
  static start(
    config: Pick<SupergraphConfig, 'responseCache' | 'responseCacheMaxMib' | 'responseCacheKeepaliveMs' | 'subgraphSecret'>,
    modelsWsUrl: string | undefined,
    logger: Logger,
    metrics: Registry,
  ): { readonly cache: ResponseCache; listen(): void; close(): Promise<void> } {
    if (!config.responseCache) {
      const cache = new ResponseCache({ enabled: false, maxMib: config.responseCacheMaxMib, synced: () => false, metrics });
      return { cache, listen: () => undefined, close: () => Promise.resolve(cache.dispose()) };
    }
    if (!modelsWsUrl) throw new Error('RESPONSE_CACHE needs the URL of the models subgraph');
    const cache: ResponseCache = new ResponseCache({
      enabled: true,
      maxMib: config.responseCacheMaxMib,
      synced: () => feed.open,
      metrics,
    });
    const feed = new ModelChangeFeed({
      url: modelsWsUrl,
      secret: config.subgraphSecret,
      keepaliveMs: config.responseCacheKeepaliveMs,
      logger,
      // What was stored before the subscription opened may predate a change it never heard of.
      opened: () => cache.changed(),
      changed: () => cache.changed(),
      closed: () => cache.invalidate(),
    });
    return {
      cache,
      listen: () => feed.start(),
      close: async () => {
        await feed.dispose();
        cache.dispose();
      },
    };
  }

  /** Apollo Server's plugins: cache hints without client headers, and the cache itself when enabled. */
  plugins(): ApolloServerPlugin<GatewayContext>[] {
    return [ApolloServerPluginCacheControl({ calculateHttpHeaders: false }), this.plugin()];
  }

  /** A mutation ran: if it changed the registry, nothing cached before now is served again (its caller reads its write). */
  mutated(operation: OperationDefinitionNode, document: DocumentNode | undefined): void {
    if (this.options.enabled && touchesRegistry(operation.selectionSet, document)) this.changed();
  }

  /** Nothing cached before now is served again. */
  invalidate(): void {
    this.generation += 1;
    this.store.clear();
  }

  private plugin(): ApolloServerPlugin<GatewayContext> {
    const cache = this.options.enabled
      ? responseCachePlugin<GatewayContext>({ cache: this.store, extraCacheKeyData: () => Promise.resolve(this.generation) })
      : undefined;
    return {
      requestDidStart: async (request) => {
        const inner: GraphQLRequestListener<GatewayContext> | undefined = cache
          ? ((await cache.requestDidStart?.(request)) ?? {})
          : undefined;
        let outcome: CacheOutcome | undefined;
        let storable = false;
        /** The generation the answer was looked up in: one read across a change is stored under a key no one reads. */
        let generation = -1;
        /** Set once the operation runs: auth and limits let it through. */
        let executed = false;
        return {
          executionDidStart: () => {
            executed = true;
            return Promise.resolve();
          },
          responseForOperation: async (context) => {
            if (!inner || context.operation?.operation !== OperationTypeNode.QUERY) return null;
            if (!this.options.synced()) {
              outcome = 'bypass';
              return null;
            }
            storable = performance.now() >= this.storableFrom;
            generation = this.generation;
            const hit = (await inner.responseForOperation?.(context)) ?? null;
            outcome = hit ? 'hit' : 'miss';
            return hit;
          },
          willSendResponse: async (context) => {
            context.response.http.headers.set('cache-control', 'no-store');
            if (outcome !== undefined) this.outcomes.inc({ outcome });
            // A miss is stored only if it started settled, in the generation still current, while the copy is current;
            // a hit's answer was stored already.
            if (outcome === 'miss' && storable && generation === this.generation && this.options.synced())
              await inner?.willSendResponse?.(context);
            // A registry mutation refused before it ran (by auth or a limit) changed nothing and invalidates nothing.
            else if (executed && context.operation?.operation === OperationTypeNode.MUTATION)
              this.mutated(context.operation, context.document);
          },
        };
      },
    };
  }
}
