/** The real models subgraph on port 0, in front of a given inference-grpc. */
import { createLogger } from '../../lib/logger';
import { loadModelsConfig } from '../../subgraphs/models/src/config';
import { startModelsSubgraph } from '../../subgraphs/models/src/server';
import type { ModelsSubgraph } from '../../subgraphs/models/src/server';

export function startModels(inferenceAddress: string, env: Record<string, string> = {}): Promise<ModelsSubgraph> {
  return startModelsSubgraph(
    loadModelsConfig({ HOST: '127.0.0.1', PORT: '0', INFERENCE_URL: inferenceAddress, ...env }),
    createLogger('models-subgraph', 'silent'),
  );
}
