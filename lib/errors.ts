/**
 * The one registry of InferGraph error codes: `extensions.code` in GraphQL,
 * trailing metadata `infergraph-code` in gRPC. Each code carries the gRPC
 * status a model server answers it with (lib/grpc/errors.ts speaks gRPC) and
 * the HTTP status a GraphQL request refused whole with it gets. No other
 * module invents a code, a status for one, or a wrapper for unknown errors.
 * Protocol-level refusals (a body too large or not JSON, a query that does
 * not parse) keep Apollo Server's own codes, `ApolloServerErrorCode`, by name.
 */

/** Names of gRPC status codes (as in @grpc/grpc-js `status`); the gRPC adapter turns them into numbers. */
export type GrpcStatusName =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'NOT_FOUND'
  | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED';

interface CodeEntry {
  readonly grpc: GrpcStatusName;
  readonly http: number;
  readonly doc: string;
}

export const ERROR_CODES = {
  BAD_USER_INPUT: { grpc: 'INVALID_ARGUMENT', http: 400, doc: 'Invalid input; the message says which field and why.' },
  MODEL_NOT_FOUND: { grpc: 'NOT_FOUND', http: 404, doc: 'No model has that name.' },
  MODEL_VERSION_NOT_FOUND: { grpc: 'NOT_FOUND', http: 404, doc: 'The model has no version of that name.' },
  MODEL_VERSION_IN_USE: {
    grpc: 'FAILED_PRECONDITION',
    http: 409,
    doc: 'The version serves traffic (default or canary) and cannot be unloaded, or is unloaded and cannot be made default or canary until loaded.',
  },
  INFERENCE_TIMEOUT: { grpc: 'DEADLINE_EXCEEDED', http: 504, doc: 'The model did not answer within the deadline.' },
  INFERENCE_UNAVAILABLE: { grpc: 'UNAVAILABLE', http: 503, doc: 'The model server or model version cannot serve now.' },
  OVERLOADED: { grpc: 'RESOURCE_EXHAUSTED', http: 503, doc: 'A bounded queue is full; retry later.' },
  INFERENCE_FAILED: { grpc: 'INTERNAL', http: 500, doc: 'The model failed on this input.' },
  UNAUTHENTICATED: { grpc: 'UNAUTHENTICATED', http: 401, doc: 'No valid credentials.' },
  FORBIDDEN: { grpc: 'PERMISSION_DENIED', http: 403, doc: 'The credentials lack the role this needs.' },
  RATE_LIMITED: { grpc: 'RESOURCE_EXHAUSTED', http: 429, doc: 'Too many requests for this key; retry later.' },
  SUBGRAPH_UNAVAILABLE: { grpc: 'UNAVAILABLE', http: 502, doc: 'A subgraph the supergraph needs is down or closed a subscription.' },
  QUERY_TOO_COMPLEX: { grpc: 'INVALID_ARGUMENT', http: 400, doc: 'The operation exceeds a depth, alias, size or cost limit.' },
} as const satisfies Record<string, CodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

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
}

/**
 * Any thrown value as a registered error: an InferGraphError as it is, anything
 * else (a bug, a library's error) as INFERENCE_FAILED saying it was internal.
 */
export function asInferGraphError(err: unknown): InferGraphError {
  return err instanceof InferGraphError
    ? err
    : new InferGraphError('INFERENCE_FAILED', `internal error: ${err instanceof Error ? err.message : String(err)}`);
}
