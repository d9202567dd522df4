/** Entry point of inference-grpc: `npm run start:inference`. */
import { runService } from '../../lib/service-process';
import { loadInferenceConfig } from './config';
import { startInferenceServer } from './server';

runService(
  'inference-grpc',
  () => loadInferenceConfig(),
  async (config, logger) => {
    const server = await startInferenceServer(config, logger);
    return { close: () => server.drain(config.shutdownGraceMs) };
  },
);
