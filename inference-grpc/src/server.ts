/**
 * inference-grpc: the gRPC port (grpc/services.ts: ModelInference, the Open
 * Inference Protocol, health, reflection) over one engine and registry,
 * Prometheus metrics on an HTTP port, and draining on shutdown.
 */
import type { Registry } from 'prom-client';

import type { Logger } from '../../lib/logger';
import { createMetricsRegistry, startMetricsServer } from '../../lib/metrics';
import type { HttpEndpoint } from '../../lib/metrics';
import { isLoopbackHost } from './config';
import type { InferenceConfig } from './config';
import { InferenceEngine } from './engine/engine';
import { withFaultHooks, withLoadFailures } from './faults';
import { serverCredentials } from './grpc/auth';
import type { ServiceState } from './grpc/calls';
import { grpcServices } from './grpc/services';
import { InferenceMetrics } from './metrics';
import type { ModelDefinition } from './models/types';
import type { ModelRegistry } from './registry/model-registry';
import { startRegistry } from './registry/start';
import { repositorySource, scanRepository } from './repository/scan';
import { ModelStatistics } from './statistics';

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

/**
 * Serves the models of MODEL_REPOSITORY, or of `catalog` when a test gives one (then RepositoryModelLoad only
 * loads its versions again and finds no new ones).
 */
export async function startInferenceServer(
  config: InferenceConfig,
  logger: Logger,
  catalog?: readonly ModelDefinition[],
): Promise<InferenceServer> {
  const cost = { batchLatencyMs: config.numericLatencyMs, itemLatencyUs: config.numericItemLatencyUs };
  const models = catalog ?? scanRepository(config.modelRepository, cost);
  const source = catalog ? undefined : repositorySource(config.modelRepository, cost, models);
  const registry = await startRegistry(config, logger, withLoadFailures(models, config.simulateLoadFailure), source);
  const metricsRegistry = createMetricsRegistry('inference-grpc');
  const largestBatch = Math.max(config.batchMaxSize, ...models.map((m) => m.batching?.maxBatchSize ?? 0));
  const metrics = new InferenceMetrics(metricsRegistry, registry, largestBatch);
  const stats = new ModelStatistics({ windowSeconds: config.statsWindowSeconds, known: (model, version) => registry.has(model, version) });
  const engine = new InferenceEngine(registry, metrics, stats, config, config.faultHooks ? withFaultHooks : undefined);
  const state: ServiceState = { inFlight: 0, draining: false, watchers: new Set(), onSettled: undefined };
  if (config.token === '' && !isLoopbackHost(config.host)) {
    logger.warn(
      { host: config.host },
      'INFERENCE_INSECURE=true: serving with no INFERENCE_TOKEN on a non-loopback address; anyone who reaches the port can run models and change the traffic policy',
    );
  }
  const { server, notServing } = grpcServices(config, { engine, registry, metrics, stats, logger, state });

  if (config.loadAllModels) await registry.loadAll();
  const poll =
    config.modelRepositoryPollMs > 0
      ? setInterval(() => rescan(registry, config.loadAllModels, logger), config.modelRepositoryPollMs)
      : undefined;

  let port: number;
  let metricsEndpoint: HttpEndpoint;
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${config.host}:${config.port}`, serverCredentials(config), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
    metricsEndpoint = await startMetricsServer({
      host: config.metricsHost,
      port: config.metricsPort,
      registry: metricsRegistry,
      isReady: () => !state.draining,
    });
  } catch (err) {
    clearInterval(poll);
    server.forceShutdown();
    await registry.dispose();
    throw err;
  }
  logger.info(
    {
      port,
      metricsPort: metricsEndpoint.port,
      token: config.token !== '',
      tls: config.tlsCert === undefined ? 'off' : config.tlsClientCa === undefined ? 'on' : 'mutual',
      policy: registry.policyStoreKind,
      models: registry.list().map((m) => `${m.name}:${m.defaultVersion}`),
    },
    'inference-grpc listening',
  );

  // grpc-js cancels in-flight unary calls on the client when the server sends GOAWAY
  // (grpc/grpc-node#2091), so the server is closed only once they have answered:
  // until then the handlers refuse new calls with UNAVAILABLE. The close itself is
  // graceful (tryShutdown lets the last answers flush), forced only past the grace.
  let drained: Promise<void> | undefined;
  const drain = (graceMs: number): Promise<void> => {
    drained ??= new Promise<void>((resolve) => {
      state.draining = true;
      clearInterval(poll);
      notServing();
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

/** One MODEL_REPOSITORY_POLL_MS scan: a folder it cannot read is logged, and the next scan tries again. */
function rescan(registry: ModelRegistry, load: boolean, logger: Logger): void {
  try {
    registry.rescan(load);
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'model repository scan failed; the next one tries again');
  }
}
