/** An Apollo Server plugin writing one log line per operation, with its request id and outcome. */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

import type { Logger } from '../logger';

/** `startedAt` (performance.now()), when set, is when the operation started before Apollo Server saw it. */
export function operationLogPlugin<C extends BaseContext & { readonly requestId: string; readonly startedAt?: number }>(
  logger: Logger,
): ApolloServerPlugin<C> {
  return {
    requestDidStart({ contextValue }) {
      const started = contextValue.startedAt ?? performance.now();
      return Promise.resolve({
        willSendResponse({ contextValue, operationName, errors, response }) {
          const body = response.body;
          const fieldErrors = body.kind === 'single' ? (body.singleResult.errors ?? []) : [];
          // `errors` holds the request's errors when there are any; the result's errors repeat them.
          const codes = (errors ?? fieldErrors).map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN'));
          logOperation(logger, contextValue.requestId, operationName, started, codes);
          return Promise.resolve();
        },
      });
    },
  };
}

/** The log line of an operation answered, started at `started` (performance.now()), with the codes of its errors. */
export function logOperation(
  logger: Logger,
  requestId: string,
  operationName: string | null | undefined,
  started: number,
  codes: readonly string[],
): void {
  const line = { requestId, operationName: operationName ?? null, ms: performance.now() - started, errors: codes };
  if (codes.length > 0) logger.info(line, 'operation answered with errors');
  else logger.debug(line, 'operation answered');
}
