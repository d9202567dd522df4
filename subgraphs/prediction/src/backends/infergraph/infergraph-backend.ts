/** The default backend: inference-grpc's own ModelInference RPCs (PredictBatchStream, WatchModels). */
import { createInferenceClient } from '../../../../../lib/grpc/client';
import { reconnectOptions } from '../../../../../lib/grpc/target';
import type { Logger } from '../../../../../lib/logger';
import type { PredictionConfig } from '../../config';
import type { InferenceBackend } from '../backend';
import { callPredictBatch } from './batch-stream';
import { RegistryCatalog } from './registry-catalog';

export function createInfergraphBackend(config: PredictionConfig, logger: Logger): InferenceBackend {
  const client = createInferenceClient(config.inferenceUrl, reconnectOptions(config.inferenceReconnectMaxMs), config);
  const catalog = new RegistryCatalog(client, logger);
  catalog.start();
  const callOptions = { address: config.inferenceUrl, service: 'inference-grpc', deadlineMs: config.inferenceDeadlineMs, logger };
  return {
    catalog,
    predictBatch: (target, inputs, requestIds) => callPredictBatch(client, callOptions, target, inputs, requestIds),
    dispose: async () => {
      await catalog.dispose();
      client.close();
    },
  };
}
