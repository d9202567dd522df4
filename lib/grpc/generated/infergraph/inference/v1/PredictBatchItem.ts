// Original file: proto/inference.proto

import type { Prediction as _infergraph_inference_v1_Prediction, Prediction__Output as _infergraph_inference_v1_Prediction__Output } from '../../../infergraph/inference/v1/Prediction';
import type { ItemError as _infergraph_inference_v1_ItemError, ItemError__Output as _infergraph_inference_v1_ItemError__Output } from '../../../infergraph/inference/v1/ItemError';

export interface PredictBatchItem {
  'prediction'?: (_infergraph_inference_v1_Prediction | null);
  'error'?: (_infergraph_inference_v1_ItemError | null);
  'result'?: "prediction"|"error";
}

export interface PredictBatchItem__Output {
  'prediction'?: (_infergraph_inference_v1_Prediction__Output | null);
  'error'?: (_infergraph_inference_v1_ItemError__Output | null);
  'result'?: "prediction"|"error";
}
