// Original file: proto/open_inference.proto

import type { InferParameter as _inference_InferParameter, InferParameter__Output as _inference_InferParameter__Output } from '../inference/InferParameter';
import type { InferTensorContents as _inference_InferTensorContents, InferTensorContents__Output as _inference_InferTensorContents__Output } from '../inference/InferTensorContents';
import type { Long } from '@grpc/proto-loader';

export interface _inference_ModelInferRequest_InferInputTensor {
  'name'?: (string);
  'datatype'?: (string);
  'shape'?: (number | string | Long)[];
  'parameters'?: ({[key: string]: _inference_InferParameter});
  /**
   * Typed contents; left out when the request uses raw_input_contents.
   */
  'contents'?: (_inference_InferTensorContents | null);
}

export interface _inference_ModelInferRequest_InferInputTensor__Output {
  'name': (string);
  'datatype': (string);
  'shape': (string)[];
  'parameters': ({[key: string]: _inference_InferParameter__Output});
  /**
   * Typed contents; left out when the request uses raw_input_contents.
   */
  'contents': (_inference_InferTensorContents__Output | null);
}

export interface _inference_ModelInferRequest_InferRequestedOutputTensor {
  'name'?: (string);
  'parameters'?: ({[key: string]: _inference_InferParameter});
}

export interface _inference_ModelInferRequest_InferRequestedOutputTensor__Output {
  'name': (string);
  'parameters': ({[key: string]: _inference_InferParameter__Output});
}

export interface ModelInferRequest {
  'modelName'?: (string);
  /**
   * Empty: the server chooses a version by its own policy.
   */
  'modelVersion'?: (string);
  /**
   * Echoed in the response when set.
   */
  'id'?: (string);
  'parameters'?: ({[key: string]: _inference_InferParameter});
  'inputs'?: (_inference_ModelInferRequest_InferInputTensor)[];
  /**
   * Which outputs to return; empty returns every output of the model.
   */
  'outputs'?: (_inference_ModelInferRequest_InferRequestedOutputTensor)[];
  /**
   * One entry per input, in the order of `inputs`: the tensor's elements,
   * flattened in row-major order, without stride or padding. A BYTES element
   * is a 4-byte little-endian length followed by that many bytes. When this
   * is used, no input carries `contents`.
   */
  'rawInputContents'?: (Buffer | Uint8Array | string)[];
}

export interface ModelInferRequest__Output {
  'modelName': (string);
  /**
   * Empty: the server chooses a version by its own policy.
   */
  'modelVersion': (string);
  /**
   * Echoed in the response when set.
   */
  'id': (string);
  'parameters': ({[key: string]: _inference_InferParameter__Output});
  'inputs': (_inference_ModelInferRequest_InferInputTensor__Output)[];
  /**
   * Which outputs to return; empty returns every output of the model.
   */
  'outputs': (_inference_ModelInferRequest_InferRequestedOutputTensor__Output)[];
  /**
   * One entry per input, in the order of `inputs`: the tensor's elements,
   * flattened in row-major order, without stride or padding. A BYTES element
   * is a 4-byte little-endian length followed by that many bytes. When this
   * is used, no input carries `contents`.
   */
  'rawInputContents': (Buffer)[];
}
