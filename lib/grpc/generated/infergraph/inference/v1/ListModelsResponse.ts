// Original file: proto/inference.proto

import type { ModelInfo as _infergraph_inference_v1_ModelInfo, ModelInfo__Output as _infergraph_inference_v1_ModelInfo__Output } from '../../../infergraph/inference/v1/ModelInfo';

export interface ListModelsResponse {
  'models'?: (_infergraph_inference_v1_ModelInfo)[];
}

export interface ListModelsResponse__Output {
  'models': (_infergraph_inference_v1_ModelInfo__Output)[];
}
