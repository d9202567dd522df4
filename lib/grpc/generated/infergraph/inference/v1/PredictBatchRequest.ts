// Original file: proto/inference.proto

import type { PredictInput as _infergraph_inference_v1_PredictInput, PredictInput__Output as _infergraph_inference_v1_PredictInput__Output } from '../../../infergraph/inference/v1/PredictInput';

export interface PredictBatchRequest {
  'model'?: (string);
  'version'?: (string);
  'inputs'?: (_infergraph_inference_v1_PredictInput)[];
}

export interface PredictBatchRequest__Output {
  'model': (string);
  'version': (string);
  'inputs': (_infergraph_inference_v1_PredictInput__Output)[];
}
