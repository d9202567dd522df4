/** The backend INFERENCE_PROTOCOL names: infergraph (the default) or oip. */
import type { Logger } from '../../../../lib/logger';
import type { PredictionConfig } from '../config';
import type { InferenceBackend } from './backend';
import { createInfergraphBackend } from './infergraph/infergraph-backend';
import { createOipBackend } from './oip/oip-backend';

export function createBackend(config: PredictionConfig, logger: Logger): InferenceBackend {
  return config.inferenceProtocol === 'oip' ? createOipBackend(config, logger) : createInfergraphBackend(config, logger);
}
