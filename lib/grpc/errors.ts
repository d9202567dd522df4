/** Registered errors on the gRPC wire: a status from the registry, and the code itself in trailing metadata. */
import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import { ERROR_CODES, InferGraphError, asInferGraphError, isErrorCode } from '../errors';
import type { ErrorCode } from '../errors';

/** Trailing-metadata key carrying the InferGraph code of a failed gRPC call. */
export const CODE_METADATA_KEY = 'infergraph-code';

export function grpcStatusOf(code: ErrorCode): status {
  return status[ERROR_CODES[code].grpc];
}

/** The code a bare gRPC status means when the peer sent no `infergraph-code`. */
export function codeForGrpcStatus(code: status): ErrorCode {
  switch (code) {
    case status.INVALID_ARGUMENT:
    case status.OUT_OF_RANGE:
    case status.FAILED_PRECONDITION:
      return 'BAD_USER_INPUT';
    case status.NOT_FOUND:
      return 'MODEL_NOT_FOUND';
    case status.DEADLINE_EXCEEDED:
      return 'INFERENCE_TIMEOUT';
    case status.UNAVAILABLE:
    case status.CANCELLED:
      return 'INFERENCE_UNAVAILABLE';
    case status.RESOURCE_EXHAUSTED:
      return 'OVERLOADED';
    case status.UNAUTHENTICATED:
      return 'UNAUTHENTICATED';
    case status.PERMISSION_DENIED:
      return 'FORBIDDEN';
    default:
      return 'INFERENCE_FAILED';
  }
}

/** Turns any thrown value into the error object a gRPC handler callback sends. */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const e = asInferGraphError(err);
  const metadata = new Metadata();
  metadata.set(CODE_METADATA_KEY, e.code);
  return { code: grpcStatusOf(e.code), details: e.message, metadata };
}

/** Reads the InferGraph code and message out of a failed gRPC call. */
export function fromServiceError(err: ServiceError): InferGraphError {
  const sent = err.metadata?.get(CODE_METADATA_KEY)[0];
  const code = isErrorCode(sent) ? sent : codeForGrpcStatus(err.code);
  return new InferGraphError(code, err.details || err.message);
}
