/** The default backend: inference-grpc's own ModelInference RPCs (PredictBatchStream, and WatchModels for the catalog). */
import type { InferenceCallOptions } from '../../../../../lib/grpc/call-failure';
import { createInferenceClient } from '../../../../../lib/grpc/client';
import type { ModelInferenceClient } from '../../../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import { RegistryWatch } from '../../../../../lib/grpc/registry-watch';
import { keepaliveOptions, reconnectOptions } from '../../../../../lib/grpc/target';
import type { Logger } from '../../../../../lib/logger';
import type { PredictionConfig } from '../../config';
import type { InferenceBackend } from '../backend';
import { callPredictBatch } from './batch-stream';
import { readStatistics } from './statistics';

/**
 * How long the catalog stays synced (and /ready 200) after its WatchModels stream went down: a routine
 * reconnection does not turn the subgraph unready. Routing keeps the last known policy past it.
 */
export const RESYNC_GRACE_MS = 2000;

export function createInfergraphBackend(config: PredictionConfig, logger: Logger): InferenceBackend {
  const client = createInferenceClient(
    config.inferenceUrl,
    { ...reconnectOptions(config.inferenceReconnectMaxMs), ...keepaliveOptions(config.inferenceKeepaliveMs) },
    config,
  );
  const callOptions = { address: config.inferenceUrl, service: 'inference-grpc', deadlineMs: config.inferenceDeadlineMs, logger };
  const catalog = registryCatalog(client, callOptions);
  return {
    catalog,
    predictBatch: (target, inputs, requestIds) => callPredictBatch(client, callOptions, target, inputs, requestIds),
    statistics: (targets) => readStatistics(client, callOptions, targets),
    dispose: async () => {
      await catalog.dispose();
      client.close();
    },
  };
}

/** The catalog of this backend: the shared WatchModels copy of the registry, started. */
export function registryCatalog(client: ModelInferenceClient, call: InferenceCallOptions): RegistryWatch {
  const watch = new RegistryWatch(client, {
    maxStalenessMs: RESYNC_GRACE_MS,
    stalenessSetting: 'the resync grace',
    call,
    what: 'the model registry mirror',
  });
  watch.start();
  return watch;
}
