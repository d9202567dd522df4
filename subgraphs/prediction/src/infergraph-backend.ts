/** The default backend: inference-grpc's own ModelInference RPCs (PredictBatchStream, WatchModels). */
import { createInferenceClient } from '../../../lib/grpc/client';
import { reconnectOptions } from '../../../lib/grpc/target';
import type { Logger } from '../../../lib/logger';
import type { InferenceBackend } from './backend';
import { ModelCatalog } from './catalog';
import type { PredictionConfig } from './config';
import { callPredictBatch } from './inference';

export function createInfergraphBackend(config: PredictionConfig, logger: Logger): InferenceBackend {
  const client = createInferenceClient(config.inferenceUrl, reconnectOptions(config.inferenceReconnectMaxMs), config);
  const catalog = new ModelCatalog(client, logger);
  catalog.start();
  const callOptions = { address: config.inferenceUrl, service: 'inference-grpc', deadlineMs: config.inferenceDeadlineMs, logger };
  return {
    catalog,
    predictBatch: (target, inputs, requestIds) => callPredictBatch(client, callOptions, target, inputs, requestIds),
    close: () => {
      catalog.dispose();
      client.close();
    },
  };
}
