// Original file: proto/inference.proto

import type { PredictBatchItem as _infergraph_inference_v1_PredictBatchItem, PredictBatchItem__Output as _infergraph_inference_v1_PredictBatchItem__Output } from '../../../infergraph/inference/v1/PredictBatchItem';

export interface PredictBatchStreamItem {
  /**
   * Position of the input in PredictBatchRequest.inputs.
   */
  'index'?: (number);
  'modelVersion'?: (string);
  'item'?: (_infergraph_inference_v1_PredictBatchItem | null);
}

export interface PredictBatchStreamItem__Output {
  /**
   * Position of the input in PredictBatchRequest.inputs.
   */
  'index': (number);
  'modelVersion': (string);
  'item': (_infergraph_inference_v1_PredictBatchItem__Output | null);
}
