import { createLogger } from '../../../../../lib/logger';
import { startInference } from '../../../../../test/helpers/inference';
import { loadPredictionConfig } from '../../config';
import { backendContract } from '../backend-contract';
import { createInfergraphBackend } from './infergraph-backend';

backendContract('infergraph backend', async (settings) => {
  const inference = await startInference();
  const backend = createInfergraphBackend(
    loadPredictionConfig({ ...inference.clientEnv, ...settings }),
    createLogger('prediction-subgraph', 'silent'),
  );
  await backend.catalog.whenSynced();
  let stopped: Promise<void> | undefined;
  const stopServer = (): Promise<void> => (stopped ??= inference.close());
  return {
    backend,
    stopServer,
    close: async () => {
      await backend.dispose();
      await stopServer();
    },
  };
});
