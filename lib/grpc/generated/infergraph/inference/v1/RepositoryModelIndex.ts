// Original file: proto/inference.proto

import type { VersionState as _infergraph_inference_v1_VersionState, VersionState__Output as _infergraph_inference_v1_VersionState__Output } from '../../../infergraph/inference/v1/VersionState';

export interface RepositoryModelIndex {
  'name'?: (string);
  'version'?: (string);
  'state'?: (_infergraph_inference_v1_VersionState);
  /**
   * Why the version is FAILED, or that it was unloaded; empty otherwise.
   */
  'reason'?: (string);
}

export interface RepositoryModelIndex__Output {
  'name': (string);
  'version': (string);
  'state': (_infergraph_inference_v1_VersionState__Output);
  /**
   * Why the version is FAILED, or that it was unloaded; empty otherwise.
   */
  'reason': (string);
}
