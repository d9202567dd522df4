/**
 * Failed calls to inference-grpc as registered errors, in words a user
 * understands. The client hears the service's name and the code, never its
 * address: where the call went and what the channel said go to the log, under
 * the request ids of the call.
 */
import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import { InferGraphError } from '../errors';
import { CODE_METADATA_KEY, fromServiceError } from './errors';
import type { Logger } from '../logger';

export interface InferenceCallOptions {
  /** host:port of the inference service, for the log only. */
  readonly address: string;
  /** What clients are told they could not reach, e.g. "inference-grpc". */
  readonly service: string;
  readonly deadlineMs: number;
  readonly logger: Logger;
}

/**
 * A refused INFERENCE_TOKEN is INFERENCE_UNAVAILABLE (a misconfigured deployment, not the caller's
 * credentials). Otherwise the server's own code and message when it sent one; otherwise (a deadline
 * passed on our side, no connection) a message naming what did not answer, and a log line saying
 * where the call went and why it failed.
 */
export function describeCallFailure(
  err: ServiceError,
  options: InferenceCallOptions,
  what: string,
  requestIds: readonly string[],
): InferGraphError {
  const mapped = fromServiceError(err);
  // The service's own token was refused: the GraphQL caller's credentials are not at fault, the deployment is.
  if (mapped.code === 'UNAUTHENTICATED') {
    return new InferGraphError(
      'INFERENCE_UNAVAILABLE',
      `the inference service refused this service's credentials (INFERENCE_TOKEN): ${err.details}`,
    );
  }
  if (err.metadata?.get(CODE_METADATA_KEY).length) return mapped;
  const grpcStatus = status[err.code] ?? String(err.code);
  options.logger.warn(
    { requestIds: [...new Set(requestIds)].join(','), address: options.address, grpcStatus, details: err.details, what },
    `a call to ${options.service} failed`,
  );
  switch (mapped.code) {
    case 'INFERENCE_TIMEOUT':
      return new InferGraphError('INFERENCE_TIMEOUT', `${what} did not answer within ${options.deadlineMs} ms (INFERENCE_DEADLINE_MS)`);
    case 'INFERENCE_UNAVAILABLE':
      return new InferGraphError('INFERENCE_UNAVAILABLE', `${options.service} is unavailable (gRPC ${grpcStatus})`);
    default:
      return mapped;
  }
}
