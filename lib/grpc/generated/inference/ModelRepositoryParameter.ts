// Original file: proto/open_inference.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A parameter of a repository request.
 */
export interface ModelRepositoryParameter {
  'boolParam'?: (boolean);
  'int64Param'?: (number | string | Long);
  'stringParam'?: (string);
  'bytesParam'?: (Buffer | Uint8Array | string);
  'parameterChoice'?: "boolParam"|"int64Param"|"stringParam"|"bytesParam";
}

/**
 * A parameter of a repository request.
 */
export interface ModelRepositoryParameter__Output {
  'boolParam'?: (boolean);
  'int64Param'?: (string);
  'stringParam'?: (string);
  'bytesParam'?: (Buffer);
  'parameterChoice'?: "boolParam"|"int64Param"|"stringParam"|"bytesParam";
}
