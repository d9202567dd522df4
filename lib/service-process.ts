/**
 * The life of a service process: read its configuration (a bad variable stops
 * it with exit code 2 and a message naming the variable), start it, and on
 * SIGTERM or SIGINT close it and exit 0.
 */
import { ConfigError, int, oneOf, str } from './config';
import { LOG_LEVELS, createLogger } from './logger';
import type { Logger, LevelWithSilent } from 'pino';

/** HOST, PORT, LOG_LEVEL and SHUTDOWN_GRACE_MS: what every service reads, each with its own default port (and host, where it differs). */
export function serviceSettings(
  defaultPort: number,
  portDoc: string,
  host: { default: string; doc: string } = { default: '0.0.0.0', doc: 'Interface the service listens on.' },
) {
  return {
    host: str('HOST', host.default, host.doc),
    port: int('PORT', defaultPort, `${portDoc} (0 picks a free port).`, { min: 0, max: 65535 }),
    logLevel: oneOf('LOG_LEVEL', 'info', 'Log level: fatal, error, warn, info, debug, trace or silent.', LOG_LEVELS),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 10000, 'On SIGTERM, how long in-flight work may take before the process stops anyway.', {
      min: 0,
      max: 600_000,
    }),
  };
}

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
    // Ctrl-C in a terminal signals the whole process group, and `npm start` then sends SIGTERM
    // too: every signal joins the one close already under way.
    let closing: Promise<void> | undefined;
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, closing ? 'already shutting down' : 'shutting down');
      closing ??= service.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
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
