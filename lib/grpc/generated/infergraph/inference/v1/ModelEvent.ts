// Original file: proto/inference.proto

import type { ModelEventKind as _infergraph_inference_v1_ModelEventKind, ModelEventKind__Output as _infergraph_inference_v1_ModelEventKind__Output } from '../../../infergraph/inference/v1/ModelEventKind';
import type { ModelInfo as _infergraph_inference_v1_ModelInfo, ModelInfo__Output as _infergraph_inference_v1_ModelInfo__Output } from '../../../infergraph/inference/v1/ModelInfo';

export interface ModelEvent {
  'kind'?: (_infergraph_inference_v1_ModelEventKind);
  'model'?: (_infergraph_inference_v1_ModelInfo | null);
}

export interface ModelEvent__Output {
  'kind': (_infergraph_inference_v1_ModelEventKind__Output);
  'model': (_infergraph_inference_v1_ModelInfo__Output | null);
}
