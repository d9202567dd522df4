/** A backend of any Open Inference Protocol v2 server (ours, Triton, KServe): INFERENCE_PROTOCOL=oip. */
import { createOipClient } from '../../../../lib/grpc/oip-client';
import { reconnectOptions } from '../../../../lib/grpc/target';
import type { Logger } from '../../../../lib/logger';
import type { InferenceBackend } from '../backend';
import type { PredictionConfig } from '../config';
import { OipCatalog } from './catalog';
import { callModelInfer } from './infer';

export function createOipBackend(config: PredictionConfig, logger: Logger): InferenceBackend {
  const client = createOipClient(config.inferenceUrl, reconnectOptions(config.inferenceReconnectMaxMs), config);
  const catalog = new OipCatalog(
    client,
    { defaultVersions: config.defaultVersions, canary: config.canary, refreshMs: config.oipCatalogRefreshMs, deadlineMs: config.inferenceDeadlineMs },
    logger,
  );
  catalog.start();
  const callOptions = {
    address: config.inferenceUrl,
    service: 'the OIP inference server',
    logger,
    deadlineMs: config.inferenceDeadlineMs,
    maxBatchSize: config.oipMaxBatchSize,
    batchTimeoutMs: config.oipBatchTimeoutMs,
  };
  return {
    catalog,
    predictBatch: (target, inputs, requestIds) => {
      const known = catalog.get(target.model);
      const kind = known?.inputKind;
      return callModelInfer(
        client,
        callOptions,
        { ...target, kind: kind === 'TEXT' || kind === 'FEATURES' ? kind : undefined, known: known !== undefined },
        inputs,
        requestIds,
        logger,
      );
    },
    close: () => {
      catalog.dispose();
      client.close();
    },
  };
}
