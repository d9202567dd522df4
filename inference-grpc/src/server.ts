/**
 * inference-grpc: the ModelInference service, standard gRPC health and server
 * reflection on one gRPC port, Prometheus metrics on an HTTP port.
 */
import { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { loadSync } from '@grpc/proto-loader';
import type { Registry } from 'prom-client';

import { INFERENCE_SERVICE_NAME, loadInferencePackageDefinition, loadInferenceProto } from '../../lib/grpc/client';
import { OIP_SERVICE_NAME, loadOipPackageDefinition, loadOipProto } from '../../lib/grpc/oip-client';
import type { Logger } from '../../lib/logger';
import { createMetricsRegistry, startMetricsServer } from '../../lib/metrics';
import { connectRedisClient } from '../../lib/redis';
import type { HttpEndpoint } from '../../lib/metrics';
import { isLoopbackHost, serverCredentials, tokenInterceptor } from './grpc/auth';
import type { InferenceConfig } from './config';
import { InferenceEngine } from './engine/engine';
import { InferenceMetrics } from './metrics';
import { builtinModels } from './models/builtin';
import type { ModelDefinition } from './models/types';
import { ModelRegistry } from './registry/model-registry';
import { MemoryPolicyStore } from './policy/memory';
import { RedisPolicyStore } from './policy/redis';
import type { PolicyStore } from './policy/store';
import { withFaultHooks, withLoadFailures } from './faults';
import { callTracker } from './grpc/calls';
import type { ServiceState } from './grpc/calls';
import { oipHandlers } from './oip/grpc-inference-service';
import { modelInferenceHandlers } from './grpc/model-inference';

/**
 * The largest request the limits allow: MAX_BATCH_ITEMS inputs of MAX_TEXT_LENGTH
 * characters (4 bytes each in UTF-8 at worst) or MAX_FEATURES doubles, plus framing.
 * Past gRPC's 4 MiB default a legal batch would be refused whole.
 */
function maxRequestBytes(config: InferenceConfig): number {
  const perInput = Math.max(config.maxTextLength * 4, config.maxFeatures * 9) + 64;
  return config.maxBatchItems * perInput + 1024;
}

/** Where the traffic policy lives: Redis when REDIS_URL is set, so replicas share it; else memory. */
async function policyStore(config: InferenceConfig, logger: Logger): Promise<PolicyStore> {
  if (!config.redisUrl) return new MemoryPolicyStore();
  const options = { url: config.redisUrl, commandTimeoutMs: config.redisTimeoutMs, logger };
  const [client, subscriber] = await Promise.all([connectRedisClient(options), connectRedisClient({ ...options, subscriber: true })]);
  return new RedisPolicyStore({ client, subscriber, prefix: config.redisPrefix, commandTimeoutMs: config.redisTimeoutMs, logger });
}

/** The registry over its policy store; the store is closed when the registry cannot be made. */
async function startRegistry(config: InferenceConfig, logger: Logger, catalog: readonly ModelDefinition[]): Promise<ModelRegistry> {
  const store = await policyStore(config, logger);
  let registry: ModelRegistry;
  try {
    registry = new ModelRegistry(withLoadFailures(catalog, config.simulateLoadFailure), {
      defaultVersions: config.defaultVersions,
      canary: config.canary,
      loadRetryMs: config.loadRetryMs,
      policyStore: store,
      logger,
    });
  } catch (err) {
    await store.dispose();
    throw err;
  }
  registry.on('change', (event) => {
    if (event.kind === 'POLICY_CHANGED') logger.info({ model: event.model.name, defaultVersion: event.model.defaultVersion, canary: event.model.canary }, 'traffic policy applied');
  });
  await registry.startPolicy();
  return registry;
}

export interface InferenceServer {
  readonly port: number;
  readonly metricsPort: number;
  readonly registry: ModelRegistry;
  readonly metrics: Registry;
  /**
   * Stops taking calls (health NOT_SERVING, /ready 503, new calls UNAVAILABLE,
   * watch streams ended), lets in-flight calls finish for up to `graceMs`,
   * then closes everything.
   */
  drain(graceMs: number): Promise<void>;
}

export async function startInferenceServer(
  config: InferenceConfig,
  logger: Logger,
  catalog: readonly ModelDefinition[] = builtinModels({
    batchLatencyMs: config.numericLatencyMs,
    itemLatencyUs: config.numericItemLatencyUs,
  }),
): Promise<InferenceServer> {
  const registry = await startRegistry(config, logger, catalog);
  registry.on('change', (event) => {
    for (const v of event.model.versions) {
      if (event.kind === 'VERSION_FAILED' && v.state === 'FAILED') logger.error({ model: event.model.name, version: v.version, error: v.loadError }, 'model version failed to load');
    }
  });
  const metricsRegistry = createMetricsRegistry('inference-grpc');
  const metrics = new InferenceMetrics(metricsRegistry, registry, config.batchMaxSize);
  const engine = new InferenceEngine(registry, metrics, config, config.faultHooks ? withFaultHooks : undefined);
  const state: ServiceState = { inFlight: 0, draining: false, watchers: new Set(), onSettled: undefined };

  const packageDefinition = loadInferencePackageDefinition();
  const proto = loadInferenceProto(packageDefinition);
  if (config.token === '' && !isLoopbackHost(config.host)) {
    logger.warn({ host: config.host }, 'INFERENCE_INSECURE=true: serving with no INFERENCE_TOKEN on a non-loopback address; anyone who reaches the port can run models and change the traffic policy');
  }
  const server = new Server({
    interceptors: config.token === '' ? [] : [tokenInterceptor(config.token)],
    'grpc.max_receive_message_length': maxRequestBytes(config),
    // Clients reconnect (and re-resolve DNS) when a connection reaches its age, so replicas added by a
    // scale-up get calls too; calls on the old connection get SHUTDOWN_GRACE_MS to finish.
    ...(config.maxConnectionAgeMs > 0 ? { 'grpc.max_connection_age_ms': config.maxConnectionAgeMs, 'grpc.max_connection_age_grace_ms': config.shutdownGraceMs } : {}),
  });
  server.addService(proto.infergraph.inference.v1.ModelInference.service, modelInferenceHandlers(engine, registry, metrics, logger, state));
  // The Open Inference Protocol v2 on the same port, over the same engine.
  const oipDefinition = loadOipPackageDefinition();
  server.addService(loadOipProto(oipDefinition).inference.GRPCInferenceService.service, oipHandlers(engine, registry, callTracker(metrics, logger, state), state));
  const health = new HealthImplementation({ '': 'SERVING', [INFERENCE_SERVICE_NAME]: 'SERVING', [OIP_SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  new ReflectionService({ ...packageDefinition, ...oipDefinition, ...loadSync(healthProtoPath) }).addToServer(server);

  if (config.loadAllModels) await registry.loadAll();

  let port: number;
  let metricsEndpoint: HttpEndpoint;
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${config.host}:${config.port}`, serverCredentials(config), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
    metricsEndpoint = await startMetricsServer({ host: config.metricsHost, port: config.metricsPort, registry: metricsRegistry, isReady: () => !state.draining });
  } catch (err) {
    server.forceShutdown();
    await registry.dispose();
    throw err;
  }
  logger.info({ port, metricsPort: metricsEndpoint.port, token: config.token !== '', tls: config.tlsCert === undefined ? 'off' : config.tlsClientCa === undefined ? 'on' : 'mutual', policy: registry.policyStoreKind, models: registry.list().map((m) => `${m.name}:${m.defaultVersion}`) }, 'inference-grpc listening');

  // grpc-js cancels in-flight unary calls on the client when the server sends GOAWAY
  // (grpc/grpc-node#2091), so the server is closed only once they have answered:
  // until then the handlers refuse new calls with UNAVAILABLE. The close itself is
  // graceful (tryShutdown lets the last answers flush), forced only past the grace.
  let drained: Promise<void> | undefined;
  const drain = (graceMs: number): Promise<void> => {
    drained ??= new Promise<void>((resolve) => {
      state.draining = true;
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(INFERENCE_SERVICE_NAME, 'NOT_SERVING');
      health.setStatus(OIP_SERVICE_NAME, 'NOT_SERVING');
      for (const watcher of state.watchers) watcher.end();
      logger.info({ inFlight: state.inFlight, graceMs }, 'draining');
      let stopped = false;
      const stop = (why: string): void => {
        if (stopped) return;
        stopped = true;
        clearTimeout(timer);
        server.forceShutdown();
        logger.info({ why, inFlight: state.inFlight }, 'stopped');
        void Promise.all([metricsEndpoint.close(), registry.dispose()]).then(() => resolve());
      };
      const timer = setTimeout(() => stop('grace period over'), graceMs);
      state.onSettled = () => {
        if (state.inFlight > 0) return;
        state.onSettled = undefined;
        server.tryShutdown(() => stop('in-flight calls finished'));
      };
      state.onSettled();
    });
    return drained;
  };

  return { port, metricsPort: metricsEndpoint.port, registry, metrics: metricsRegistry, drain };
}
