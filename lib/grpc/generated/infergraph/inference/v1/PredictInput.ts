// Original file: proto/inference.proto

import type { Features as _infergraph_inference_v1_Features, Features__Output as _infergraph_inference_v1_Features__Output } from '../../../infergraph/inference/v1/Features';

export interface PredictInput {
  'text'?: (string);
  'features'?: (_infergraph_inference_v1_Features | null);
  'input'?: "text"|"features";
}

export interface PredictInput__Output {
  'text'?: (string);
  'features'?: (_infergraph_inference_v1_Features__Output | null);
  'input'?: "text"|"features";
}
