/** JSON logs (pino) with the service name on every line and the request id on request lines. */
import { randomUUID } from 'node:crypto';

import pino from 'pino';
import type { Logger, LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function createLogger(service: string, level: LevelWithSilent): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** Header / gRPC metadata key of the request id, propagated end to end. */
export const REQUEST_ID_KEY = 'x-request-id';

/** One id, or the comma-separated ids of the requests a batch call serves. */
const REQUEST_ID_PATTERN = /^[\w.:,-]{1,1024}$/;

/** The caller's request id when it is sane, otherwise a new one. */
export function requestIdOr(candidate: unknown): string {
  return typeof candidate === 'string' && REQUEST_ID_PATTERN.test(candidate) ? candidate : randomUUID();
}
