/** The default backend: inference-grpc's own ModelInference RPCs (PredictBatchStream, WatchModels). */
import { createInferenceClient } from '../../../lib/grpc/client';
import type { Logger } from '../../../lib/logger';
import type { InferenceBackend } from './backend';
import { ModelCatalog } from './catalog';
import type { PredictionConfig } from './config';
import { callPredictBatch } from './inference';

export function createInfergraphBackend(config: PredictionConfig, logger: Logger): InferenceBackend {
  const client = createInferenceClient(config.inferenceUrl);
  const catalog = new ModelCatalog(client, logger);
  catalog.start();
  const callOptions = { address: config.inferenceUrl, deadlineMs: config.inferenceDeadlineMs };
  return {
    catalog,
    predictBatch: (target, inputs, requestIds) => callPredictBatch(client, callOptions, target, inputs, requestIds),
    close: () => {
      catalog.dispose();
      client.close();
    },
  };
}
