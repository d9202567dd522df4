/**
 * The one registry of InferGraph error codes (`extensions.code` in GraphQL,
 * trailing metadata `infergraph-code` in gRPC) and their gRPC statuses.
 * No other module invents a code.
 */
import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

export const ERROR_CODES = {
  BAD_USER_INPUT: { grpc: status.INVALID_ARGUMENT, doc: 'Invalid input; the message says which field and why.' },
  MODEL_NOT_FOUND: { grpc: status.NOT_FOUND, doc: 'No model has that name.' },
  MODEL_VERSION_NOT_FOUND: { grpc: status.NOT_FOUND, doc: 'The model has no version of that name.' },
  INFERENCE_TIMEOUT: { grpc: status.DEADLINE_EXCEEDED, doc: 'The model did not answer within the deadline.' },
  INFERENCE_UNAVAILABLE: { grpc: status.UNAVAILABLE, doc: 'The model server or model version cannot serve now.' },
  OVERLOADED: { grpc: status.RESOURCE_EXHAUSTED, doc: 'A bounded queue is full; retry later.' },
  INFERENCE_FAILED: { grpc: status.INTERNAL, doc: 'The model failed on this input.' },
  UNAUTHENTICATED: { grpc: status.UNAUTHENTICATED, doc: 'No valid credentials.' },
  FORBIDDEN: { grpc: status.PERMISSION_DENIED, doc: 'The credentials lack the role this needs.' },
  RATE_LIMITED: { grpc: status.RESOURCE_EXHAUSTED, doc: 'Too many requests for this key; retry later.' },
  SUBGRAPH_UNAVAILABLE: { grpc: status.UNAVAILABLE, doc: 'A subgraph the supergraph needs is down or closed a subscription.' },
  QUERY_TOO_COMPLEX: { grpc: status.INVALID_ARGUMENT, doc: 'The operation exceeds a depth, alias, size or cost limit.' },
} as const satisfies Record<string, { grpc: status; doc: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Trailing-metadata key carrying the InferGraph code of a failed gRPC call. */
export const CODE_METADATA_KEY = 'infergraph-code';

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export class InferGraphError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InferGraphError';
  }

  get grpcStatus(): status {
    return ERROR_CODES[this.code].grpc;
  }
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
  const e =
    err instanceof InferGraphError
      ? err
      : new InferGraphError('INFERENCE_FAILED', `internal error: ${err instanceof Error ? err.message : String(err)}`);
  const metadata = new Metadata();
  metadata.set(CODE_METADATA_KEY, e.code);
  return { code: e.grpcStatus, details: e.message, metadata };
}

/** Reads the InferGraph code and message out of a failed gRPC call. */
export function fromServiceError(err: ServiceError): InferGraphError {
  const sent = err.metadata?.get(CODE_METADATA_KEY)[0];
  const code = isErrorCode(sent) ? sent : codeForGrpcStatus(err.code);
  return new InferGraphError(code, err.details || err.message);
}
