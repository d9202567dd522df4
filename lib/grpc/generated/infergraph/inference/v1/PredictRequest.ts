// Original file: proto/inference.proto

import type { PredictInput as _infergraph_inference_v1_PredictInput, PredictInput__Output as _infergraph_inference_v1_PredictInput__Output } from '../../../infergraph/inference/v1/PredictInput';

export interface PredictRequest {
  'model'?: (string);
  'version'?: (string);
  'input'?: (_infergraph_inference_v1_PredictInput | null);
}

export interface PredictRequest__Output {
  'model': (string);
  'version': (string);
  'input': (_infergraph_inference_v1_PredictInput__Output | null);
}
