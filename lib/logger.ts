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

const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;

/** The caller's request id when it is sane, otherwise a new one. */
export function requestIdOr(candidate: unknown): string {
  return typeof candidate === 'string' && REQUEST_ID_PATTERN.test(candidate) ? candidate : randomUUID();
}

/**
 * The request ids of a call that serves many requests (one metadata value
 * each, as the prediction subgraph sends a batch), comma-joined for the log;
 * a new id when none is sane.
 */
export function requestIdsOr(candidates: readonly unknown[]): string {
  // HTTP/2 joins repeated header values with ", ".
  const ids = candidates.flatMap((c) => (typeof c === 'string' ? c.split(',').map((id) => id.trim()) : []));
  const sane = ids.filter((id) => REQUEST_ID_PATTERN.test(id));
  return sane.length > 0 ? sane.join(',') : randomUUID();
}
