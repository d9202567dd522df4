// Original file: proto/inference.proto

import type { RepositoryModelIndex as _infergraph_inference_v1_RepositoryModelIndex, RepositoryModelIndex__Output as _infergraph_inference_v1_RepositoryModelIndex__Output } from '../../../infergraph/inference/v1/RepositoryModelIndex';

export interface RepositoryIndexResponse {
  'models'?: (_infergraph_inference_v1_RepositoryModelIndex)[];
}

export interface RepositoryIndexResponse__Output {
  'models': (_infergraph_inference_v1_RepositoryModelIndex__Output)[];
}
