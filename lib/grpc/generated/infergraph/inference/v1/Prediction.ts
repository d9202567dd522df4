// Original file: proto/inference.proto

import type { SentimentOutput as _infergraph_inference_v1_SentimentOutput, SentimentOutput__Output as _infergraph_inference_v1_SentimentOutput__Output } from '../../../infergraph/inference/v1/SentimentOutput';
import type { NumericOutput as _infergraph_inference_v1_NumericOutput, NumericOutput__Output as _infergraph_inference_v1_NumericOutput__Output } from '../../../infergraph/inference/v1/NumericOutput';

export interface Prediction {
  'model'?: (string);
  'modelVersion'?: (string);
  'sentiment'?: (_infergraph_inference_v1_SentimentOutput | null);
  'numeric'?: (_infergraph_inference_v1_NumericOutput | null);
  /**
   * Size of the server-side batch this input ran in.
   */
  'batchSize'?: (number);
  /**
   * Time from arrival at the server to the answer: queueing plus compute.
   */
  'latencyMs'?: (number | string);
  /**
   * Which load of the version answered: ModelVersionInfo.load_id of the load it ran on.
   */
  'loadId'?: (string);
  'output'?: "sentiment"|"numeric";
}

export interface Prediction__Output {
  'model': (string);
  'modelVersion': (string);
  'sentiment'?: (_infergraph_inference_v1_SentimentOutput__Output | null);
  'numeric'?: (_infergraph_inference_v1_NumericOutput__Output | null);
  /**
   * Size of the server-side batch this input ran in.
   */
  'batchSize': (number);
  /**
   * Time from arrival at the server to the answer: queueing plus compute.
   */
  'latencyMs': (number);
  /**
   * Which load of the version answered: ModelVersionInfo.load_id of the load it ran on.
   */
  'loadId': (string);
  'output'?: "sentiment"|"numeric";
}
