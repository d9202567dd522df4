/**
 * The life of a service process: read its configuration (a bad variable stops
 * it with exit code 2 and a message naming the variable), start it, and on
 * SIGTERM or SIGINT close it and exit 0.
 */
import { ConfigError } from './config';
import { createLogger } from './logger';
import type { Logger, LevelWithSilent } from 'pino';

export interface Stoppable {
  close(): Promise<void>;
}

export function runService<C extends { readonly logLevel: LevelWithSilent }>(
  name: string,
  loadConfig: () => C,
  start: (config: C, logger: Logger) => Promise<Stoppable>,
): void {
  const main = async (): Promise<void> => {
    const config = loadConfig();
    const logger = createLogger(name, config.logLevel);
    const service = await start(config, logger);
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'shutting down');
      void service.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  };
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${name} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
