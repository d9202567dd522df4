/**
 * The supergraph: Apollo Gateway on Apollo Server with the static supergraph
 * composed offline (schema/supergraph.graphql). Queries and mutations are
 * planned and executed by the gateway; subscriptions, which the gateway
 * cannot execute, by the bridge in ./subscriptions on the same /graphql over
 * graphql-ws. The request id travels to every subgraph fetch.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { Supergraph as FederatedSupergraph } from '@apollo/federation-internals';
import { ApolloGateway } from '@apollo/gateway';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';

import { PROJECT_ROOT } from '../../lib/paths';
import { operationLogPlugin } from '../../lib/graphql/logging';
import { serveGraphQL } from '../../lib/graphql/serve';
import type { Logger } from '../../lib/logger';
import { REQUEST_ID_KEY, requestIdOr } from '../../lib/logger';
import { createMetricsRegistry, startMetricsServer } from '../../lib/metrics';
import { HttpReadiness } from '../../lib/readiness';
import type { SupergraphConfig } from './config';
import { Authenticator, authPlugin } from './auth';
import { SubgraphDataSource, identityHeader } from './datasource';
import { SupergraphMetrics } from './metrics';
import { rateKeyOf } from './rate-limit/limiter';
import type { RateLimiter } from './rate-limit/limiter';
import { MemoryRateLimiter } from './rate-limit/memory';
import { rateLimitPlugin } from './rate-limit/plugin';
import { RedisRateLimiter } from './rate-limit/redis';
import { connectRedisClient } from '../../lib/redis';
import { signSubscription } from '../../lib/signing/message-signature';
import { formatError } from './format-error';
import { admitCaller, checkQueryText } from './gate';
import type { Refusal } from '../../lib/graphql/http';
import { documentCache } from './caches';
import { FastPath } from './fast-path';
import { limitsPlugin } from './limits';
import { ResponseCache } from './response-cache';
import { SubscriptionBridge } from './subscriptions/bridge';
import { subscriptionMetrics } from './subscriptions/metrics';
import { serveSubscriptions } from './subscriptions/ws';
import type { GatewayContext } from './datasource';
import { uiHandler } from './ui';
import { disposeClient } from './ws-dispose';

export const SUPERGRAPH_FILE = path.join(PROJECT_ROOT, 'schema', 'supergraph.graphql');

/** The graphql-ws URL of a subgraph served over HTTP at `url`. */
function wsUrl(url: string): string {
  return url.replace(/^http/, 'ws');
}

export interface Supergraph {
  readonly port: number;
  /** Port of /metrics (METRICS_PORT). */
  readonly metricsPort: number;
  readonly url: string;
  close(): Promise<void>;
}

export interface SupergraphOptions {
  /** The clock bearer tokens are checked against (Date.now unless a test controls it). */
  readonly now?: () => number;
}

export async function startSupergraph(config: SupergraphConfig, logger: Logger, options: SupergraphOptions = {}): Promise<Supergraph> {
  const supergraphSdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
  const overrides: Record<string, string> = { prediction: config.predictionUrl, models: config.modelsUrl };
  const urls = Object.fromEntries(
    FederatedSupergraph.build(supergraphSdl)
      .subgraphs()
      .values()
      .map((sg) => [sg.name, overrides[sg.name] || sg.url]),
  );
  const metricsRegistry = createMetricsRegistry('supergraph');
  const metrics = new SupergraphMetrics(metricsRegistry, {
    operationNames: config.metricsOperationNames,
    maxOperationNames: config.metricsMaxOperationNames,
  });
  const dataSources = Object.fromEntries(
    Object.entries(urls).map(([name, url]) => [
      name,
      new SubgraphDataSource({
        name,
        url,
        subgraphSecret: config.subgraphSecret,
        timeoutMs: config.subgraphTimeoutMs,
        logger,
        observe: (ms, ok) => metrics.fetches.observe({ subgraph: name, outcome: ok ? 'OK' : 'ERROR' }, ms / 1000),
        deduplicate: config.subgraphDeduplication,
        onShared: () => metrics.sharedFetches.inc({ subgraph: name }),
      }),
    ]),
  );
  const responseCache = ResponseCache.start(config, urls.models && wsUrl(urls.models), logger, metricsRegistry);
  const fastPath = new FastPath({
    maxOperations: config.fastPathMaxOperations,
    maxOperationBytes: config.fastPathMaxOperationBytes,
    dataSources,
    limits: config,
    metrics,
    logger,
    mutated: (operation, document) => responseCache.cache.mutated(operation, document),
  });
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    experimental_approximateQueryPlanStoreMiB: config.queryPlanCacheMib,
    experimental_didResolveQueryPlan: fastPath.didResolveQueryPlan,
    buildService: ({ name, url }) =>
      dataSources[name] ??
      new SubgraphDataSource({ name, url: url ?? '', subgraphSecret: config.subgraphSecret, timeoutMs: config.subgraphTimeoutMs, logger }),
  });
  const upstreams = new Map<string, Client>();
  const authenticator = new Authenticator(config, logger, options.now);
  const bucket = { perMinute: config.rateLimitPerMinute, burst: config.rateLimitBurst };
  const limiter: RateLimiter | undefined =
    config.rateLimitPerMinute === 0
      ? undefined
      : config.redisUrl
        ? new RedisRateLimiter(
            await connectRedisClient({ url: config.redisUrl, commandTimeoutMs: config.redisTimeoutMs, logger }),
            `${config.redisPrefix}rate:`,
            bucket,
            logger,
          )
        : new MemoryRateLimiter(bucket);
  const bridge = new SubscriptionBridge({
    supergraphSdl,
    dataSources,
    logger,
    observer: subscriptionMetrics(metricsRegistry),
    extensions: async (name, message, context) => {
      const identity = identityHeader(context.identity, config.subgraphSecret);
      const url = urls[name];
      return identity === undefined || url === undefined ? {} : signSubscription(wsUrl(url), message, identity, config.subgraphSecret);
    },
    upstream: (name) => {
      let client = upstreams.get(name);
      if (!client) {
        const url = urls[name];
        if (!url) throw new Error(`no URL for subgraph ${name}`);
        // One socket per subgraph carries every subscription to it; it reconnects on the next subscription.
        client = createClient({ url: wsUrl(url), webSocketImpl: WebSocket, lazy: true, retryAttempts: 0 });
        upstreams.set(name, client);
      }
      return client;
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    documentStore: documentCache(config.documentCacheMib),
    // The gate counts tokens before Apollo Server parses; operations over graphql-ws reach Apollo Server parsed elsewhere.
    parseOptions: { maxTokens: config.maxTokens },
    formatError,
    stopOnTerminationSignals: false,
    // Auth first: an unknown caller hears 401, not which limit it broke.
    plugins: [
      // Apollo's landing page loads Sandbox from a CDN; the playground in ./ui is served instead.
      ApolloServerPluginLandingPageDisabled(),
      authPlugin(),
      ...(limiter ? [rateLimitPlugin(limiter)] : []),
      limitsPlugin<GatewayContext>(config),
      operationLogPlugin<GatewayContext>(logger),
      metrics.plugin(),
      // Read after every didResolveOperation above (auth, rate limit, limits): a hit goes only to a caller who may ask.
      ...responseCache.cache.plugins(),
    ],
  });
  await apollo.start();
  const readiness = new HttpReadiness(Object.values(urls).map((url) => url.replace(/\/graphql$/, '/ready')));
  await readiness.start();
  const admit = admitCaller(limiter);
  const checkQuery = checkQueryText(config);
  const counted = (refusal: Refusal | undefined): Refusal | undefined => {
    if (refusal) metrics.refused(refusal.code);
    return refusal;
  };
  const service = await serveGraphQL({
    host: config.host,
    port: config.port,
    logger,
    apollo,
    context: (headers, remoteAddress) => {
      const identity = authenticator.identify(headers['x-api-key'], headers.authorization);
      return {
        requestId: requestIdOr(headers[REQUEST_ID_KEY]),
        identity,
        rateKey: rateKeyOf(identity, remoteAddress),
        admittedAtGate: true,
      };
    },
    admit: async (context) => counted(await admit(context)),
    checkQuery: (query) => counted(checkQuery(query)),
    ...(config.fastPathMaxOperations > 0 ? { shortcut: fastPath } : {}),
    websocket: {
      maxPayloadBytes: config.wsMaxPayloadBytes,
      serve: (wss) => serveSubscriptions(wss, { bridge, apollo, limits: config, authenticator, limiter }),
    },
    metrics: metricsRegistry,
    isReady: () => readiness.ready,
    maxBodyBytes: config.maxBodyBytes,
    corsOrigins: config.corsOrigins,
    ...(config.uiEnabled ? { pages: uiHandler({ dir: config.uiDir }) } : {}),
  });
  const metricsEndpoint = await startMetricsServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: metricsRegistry,
    isReady: () => readiness.ready,
  });
  responseCache.listen();
  logger.info({ port: service.port, metricsPort: metricsEndpoint.port }, 'supergraph listening');
  return {
    port: service.port,
    metricsPort: metricsEndpoint.port,
    url: service.url,
    close: async () => {
      await service.close(config.shutdownGraceMs);
      await metricsEndpoint.close();
      readiness.dispose();
      await limiter?.dispose();
      await Promise.all([...upstreams.values()].map(disposeClient));
      await apollo.stop();
      await responseCache.close();
    },
  };
}
