// Original file: proto/inference.proto

import type { SentimentLabel as _infergraph_inference_v1_SentimentLabel, SentimentLabel__Output as _infergraph_inference_v1_SentimentLabel__Output } from '../../../infergraph/inference/v1/SentimentLabel';

export interface SentimentOutput {
  'label'?: (_infergraph_inference_v1_SentimentLabel);
  /**
   * Polarity in [-1, 1].
   */
  'score'?: (number | string);
  /**
   * Confidence in the label, in [0, 1].
   */
  'confidence'?: (number | string);
}

export interface SentimentOutput__Output {
  'label': (_infergraph_inference_v1_SentimentLabel__Output);
  /**
   * Polarity in [-1, 1].
   */
  'score': (number);
  /**
   * Confidence in the label, in [0, 1].
   */
  'confidence': (number);
}
