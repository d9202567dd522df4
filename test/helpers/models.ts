/** The real models subgraph on port 0, in front of a given inference-grpc (its address and token). */
import { createLogger } from '../../lib/logger';
import { loadModelsConfig } from '../../subgraphs/models/src/index';
import { startModelsSubgraph } from '../../subgraphs/models/src/index';
import type { ModelsSubgraph } from '../../subgraphs/models/src/index';
import type { InferenceFixture } from './inference';
import { EPHEMERAL_PORTS } from '../../stack/topology';

export function startModels(inference: Pick<InferenceFixture, 'clientEnv'>, env: Record<string, string> = {}): Promise<ModelsSubgraph> {
  return startModelsSubgraph(
    loadModelsConfig({ HOST: '127.0.0.1', ...EPHEMERAL_PORTS, ...inference.clientEnv, ...env }),
    createLogger('models-subgraph', 'silent'),
  );
}
