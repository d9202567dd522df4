// Original file: proto/inference.proto

import type { VersionStatistics as _infergraph_inference_v1_VersionStatistics, VersionStatistics__Output as _infergraph_inference_v1_VersionStatistics__Output } from '../../../infergraph/inference/v1/VersionStatistics';

export interface ModelStatisticsResponse {
  /**
   * One per version asked for, by model then version.
   */
  'versions'?: (_infergraph_inference_v1_VersionStatistics)[];
}

export interface ModelStatisticsResponse__Output {
  /**
   * One per version asked for, by model then version.
   */
  'versions': (_infergraph_inference_v1_VersionStatistics__Output)[];
}
