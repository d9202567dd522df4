// Original file: proto/open_inference.proto

import type { Long } from '@grpc/proto-loader';

export interface _inference_ModelMetadataResponse_TensorMetadata {
  'name'?: (string);
  /**
   * BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64 or BYTES.
   */
  'datatype'?: (string);
  /**
   * -1 marks a dimension of variable size.
   */
  'shape'?: (number | string | Long)[];
}

export interface _inference_ModelMetadataResponse_TensorMetadata__Output {
  'name': (string);
  /**
   * BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64 or BYTES.
   */
  'datatype': (string);
  /**
   * -1 marks a dimension of variable size.
   */
  'shape': (string)[];
}

export interface ModelMetadataResponse {
  'name'?: (string);
  /**
   * Every version of the model the server has.
   */
  'versions'?: (string)[];
  /**
   * "<project>_<format>", for information only.
   */
  'platform'?: (string);
  'inputs'?: (_inference_ModelMetadataResponse_TensorMetadata)[];
  'outputs'?: (_inference_ModelMetadataResponse_TensorMetadata)[];
  'properties'?: ({[key: string]: string});
}

export interface ModelMetadataResponse__Output {
  'name': (string);
  /**
   * Every version of the model the server has.
   */
  'versions': (string)[];
  /**
   * "<project>_<format>", for information only.
   */
  'platform': (string);
  'inputs': (_inference_ModelMetadataResponse_TensorMetadata__Output)[];
  'outputs': (_inference_ModelMetadataResponse_TensorMetadata__Output)[];
  'properties': ({[key: string]: string});
}
