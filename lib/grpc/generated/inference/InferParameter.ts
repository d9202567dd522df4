// Original file: proto/open_inference.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A parameter value of a request, response or tensor.
 */
export interface InferParameter {
  'boolParam'?: (boolean);
  'int64Param'?: (number | string | Long);
  'stringParam'?: (string);
  'doubleParam'?: (number | string);
  'uint64Param'?: (number | string | Long);
  'parameterChoice'?: "boolParam"|"int64Param"|"stringParam"|"doubleParam"|"uint64Param";
}

/**
 * A parameter value of a request, response or tensor.
 */
export interface InferParameter__Output {
  'boolParam'?: (boolean);
  'int64Param'?: (string);
  'stringParam'?: (string);
  'doubleParam'?: (number);
  'uint64Param'?: (string);
  'parameterChoice'?: "boolParam"|"int64Param"|"stringParam"|"doubleParam"|"uint64Param";
}
