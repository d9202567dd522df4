/**
 * inference-grpc's gRPC port: ModelInference, the Open Inference Protocol v2
 * over the same engine, standard health and server reflection, behind the
 * token interceptor.
 */
import { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { loadSync } from '@grpc/proto-loader';

import { INFERENCE_SERVICE_NAME, loadInferencePackageDefinition, loadInferenceProto } from '../../../lib/grpc/client';
import { OIP_SERVICE_NAME, loadOipPackageDefinition, loadOipProto } from '../../../lib/grpc/oip-client';
import type { Logger } from '../../../lib/logger';
import type { InferenceConfig } from '../config';
import type { InferenceEngine } from '../engine/engine';
import type { InferenceMetrics } from '../metrics';
import { oipHandlers } from '../oip/grpc-inference-service';
import type { ModelRegistry } from '../registry/model-registry';
import type { ModelStatistics } from '../statistics';
import { tokenInterceptor } from './auth';
import { callTracker } from './calls';
import type { ServiceState } from './calls';
import { modelInferenceHandlers } from './model-inference';

export interface GrpcServices {
  readonly server: Server;
  /** Health answers NOT_SERVING for every service from now on. */
  readonly notServing: () => void;
}

export interface ServiceParts {
  readonly engine: InferenceEngine;
  readonly registry: ModelRegistry;
  readonly metrics: InferenceMetrics;
  readonly stats: ModelStatistics;
  readonly logger: Logger;
  readonly state: ServiceState;
}

/**
 * The largest request the limits allow: MAX_BATCH_ITEMS inputs of MAX_TEXT_LENGTH
 * characters (4 bytes each in UTF-8 at worst) or MAX_FEATURES doubles, plus framing.
 * Past gRPC's 4 MiB default a legal batch would be refused whole.
 */
function maxRequestBytes(config: InferenceConfig): number {
  const perInput = Math.max(config.maxTextLength * 4, config.maxFeatures * 9) + 64;
  return config.maxBatchItems * perInput + 1024;
}

/** A gRPC server with every service added, not yet bound. */
export function grpcServices(config: InferenceConfig, { engine, registry, metrics, stats, logger, state }: ServiceParts): GrpcServices {
  const server = new Server({
    interceptors: config.token === '' ? [] : [tokenInterceptor(config.token)],
    'grpc.max_receive_message_length': maxRequestBytes(config),
    // Clients reconnect (and re-resolve DNS) when a connection reaches its age, so replicas added by a
    // scale-up get calls too; calls on the old connection get SHUTDOWN_GRACE_MS to finish.
    ...(config.maxConnectionAgeMs > 0
      ? { 'grpc.max_connection_age_ms': config.maxConnectionAgeMs, 'grpc.max_connection_age_grace_ms': config.shutdownGraceMs }
      : {}),
  });
  const packageDefinition = loadInferencePackageDefinition();
  const tracker = callTracker(metrics, logger, state);
  server.addService(
    loadInferenceProto(packageDefinition).infergraph.inference.v1.ModelInference.service,
    modelInferenceHandlers(engine, registry, tracker, metrics, stats, logger, state),
  );
  // The Open Inference Protocol v2 on the same port, over the same engine.
  const oipDefinition = loadOipPackageDefinition();
  server.addService(
    loadOipProto(oipDefinition).inference.GRPCInferenceService.service,
    oipHandlers(engine, registry, stats, tracker, state),
  );
  const health = new HealthImplementation({ '': 'SERVING', [INFERENCE_SERVICE_NAME]: 'SERVING', [OIP_SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  new ReflectionService({ ...packageDefinition, ...oipDefinition, ...loadSync(healthProtoPath) }).addToServer(server);
  return {
    server,
    notServing: () => {
      for (const service of ['', INFERENCE_SERVICE_NAME, OIP_SERVICE_NAME]) health.setStatus(service, 'NOT_SERVING');
    },
  };
}
