// Original file: proto/open_inference.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Tensor elements in the field of their datatype, flattened in row-major
 * order. (A oneof cannot hold repeated fields, hence one field per type.)
 */
export interface InferTensorContents {
  /**
   * BOOL
   */
  'boolContents'?: (boolean)[];
  /**
   * INT8, INT16, INT32
   */
  'intContents'?: (number)[];
  /**
   * INT64
   */
  'int64Contents'?: (number | string | Long)[];
  /**
   * UINT8, UINT16, UINT32
   */
  'uintContents'?: (number)[];
  /**
   * UINT64
   */
  'uint64Contents'?: (number | string | Long)[];
  /**
   * FP32
   */
  'fp32Contents'?: (number | string)[];
  /**
   * FP64
   */
  'fp64Contents'?: (number | string)[];
  /**
   * BYTES
   */
  'bytesContents'?: (Buffer | Uint8Array | string)[];
}

/**
 * Tensor elements in the field of their datatype, flattened in row-major
 * order. (A oneof cannot hold repeated fields, hence one field per type.)
 */
export interface InferTensorContents__Output {
  /**
   * BOOL
   */
  'boolContents': (boolean)[];
  /**
   * INT8, INT16, INT32
   */
  'intContents': (number)[];
  /**
   * INT64
   */
  'int64Contents': (string)[];
  /**
   * UINT8, UINT16, UINT32
   */
  'uintContents': (number)[];
  /**
   * UINT64
   */
  'uint64Contents': (string)[];
  /**
   * FP32
   */
  'fp32Contents': (number)[];
  /**
   * FP64
   */
  'fp64Contents': (number)[];
  /**
   * BYTES
   */
  'bytesContents': (Buffer)[];
}
