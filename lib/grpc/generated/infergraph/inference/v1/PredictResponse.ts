// Original file: proto/inference.proto

import type { Prediction as _infergraph_inference_v1_Prediction, Prediction__Output as _infergraph_inference_v1_Prediction__Output } from '../../../infergraph/inference/v1/Prediction';

export interface PredictResponse {
  'prediction'?: (_infergraph_inference_v1_Prediction | null);
}

export interface PredictResponse__Output {
  'prediction': (_infergraph_inference_v1_Prediction__Output | null);
}
