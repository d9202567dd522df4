/** Failed calls to inference-grpc as registered errors, in words a user understands. */
import type { ServiceError } from '@grpc/grpc-js';

import { CODE_METADATA_KEY, InferGraphError, fromServiceError } from '../errors';

export interface InferenceCallOptions {
  /** host:port of inference-grpc, for messages. */
  readonly address: string;
  readonly deadlineMs: number;
}

/**
 * A refused INFERENCE_TOKEN is INFERENCE_UNAVAILABLE (a misconfigured deployment, not the caller's
 * credentials). Otherwise the server's own code and message when it sent one; otherwise (a deadline
 * passed on our side, no connection) a message naming what did not answer.
 */
export function describeCallFailure(err: ServiceError, options: InferenceCallOptions, what: string): InferGraphError {
  const mapped = fromServiceError(err);
  // The service's own token was refused: the GraphQL caller's credentials are not at fault, the deployment is.
  if (mapped.code === 'UNAUTHENTICATED') {
    return new InferGraphError('INFERENCE_UNAVAILABLE', `the inference service refused this service's credentials (INFERENCE_TOKEN): ${err.details}`);
  }
  if (err.metadata?.get(CODE_METADATA_KEY).length) return mapped;
  switch (mapped.code) {
    case 'INFERENCE_TIMEOUT':
      return new InferGraphError('INFERENCE_TIMEOUT', `${what} did not answer within ${options.deadlineMs} ms (INFERENCE_DEADLINE_MS)`);
    case 'INFERENCE_UNAVAILABLE':
      return new InferGraphError('INFERENCE_UNAVAILABLE', `the inference service at ${options.address} is unavailable: ${err.details}`);
    default:
      return mapped;
  }
}
