/** Entry point of inference-grpc: `npm run start:inference`. */
import { ConfigError } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { loadInferenceConfig } from './config';
import { startInferenceServer } from './server';

async function main(): Promise<void> {
  const config = loadInferenceConfig(process.env);
  const logger = createLogger('inference-grpc', config.logLevel);
  const server = await startInferenceServer(config, logger);
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    void server.drain(config.shutdownGraceMs).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`inference-grpc: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`inference-grpc failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
