// Original file: proto/inference.proto

import type { PredictBatchItem as _infergraph_inference_v1_PredictBatchItem, PredictBatchItem__Output as _infergraph_inference_v1_PredictBatchItem__Output } from '../../../infergraph/inference/v1/PredictBatchItem';

export interface PredictBatchResponse {
  /**
   * The version that answered (the default version when the request named none).
   */
  'modelVersion'?: (string);
  /**
   * One item per input, in input order.
   */
  'items'?: (_infergraph_inference_v1_PredictBatchItem)[];
}

export interface PredictBatchResponse__Output {
  /**
   * The version that answered (the default version when the request named none).
   */
  'modelVersion': (string);
  /**
   * One item per input, in input order.
   */
  'items': (_infergraph_inference_v1_PredictBatchItem__Output)[];
}
