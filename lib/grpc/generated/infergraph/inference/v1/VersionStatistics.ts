// Original file: proto/inference.proto

import type { LatencyQuantiles as _infergraph_inference_v1_LatencyQuantiles, LatencyQuantiles__Output as _infergraph_inference_v1_LatencyQuantiles__Output } from '../../../infergraph/inference/v1/LatencyQuantiles';

export interface VersionStatistics {
  'model'?: (string);
  'version'?: (string);
  /**
   * Inputs the version answered in the window, failures included.
   */
  'requests'?: (number);
  /**
   * Inputs that reached the version and failed: model error, timeout, overload, cancellation.
   */
  'failures'?: (number);
  /**
   * Time from arrival to answer of the inputs answered without error; unset when there were none.
   */
  'latency'?: (_infergraph_inference_v1_LatencyQuantiles | null);
  /**
   * Inputs per batch the version ran; 0 when it ran none.
   */
  'meanBatchSize'?: (number | string);
  /**
   * Batches the version ran.
   */
  'batches'?: (number);
  /**
   * RFC 3339 start of the window: STATS_WINDOW_SECONDS ago, or when the version loaded, if later.
   */
  'windowStart'?: (string);
}

export interface VersionStatistics__Output {
  'model': (string);
  'version': (string);
  /**
   * Inputs the version answered in the window, failures included.
   */
  'requests': (number);
  /**
   * Inputs that reached the version and failed: model error, timeout, overload, cancellation.
   */
  'failures': (number);
  /**
   * Time from arrival to answer of the inputs answered without error; unset when there were none.
   */
  'latency': (_infergraph_inference_v1_LatencyQuantiles__Output | null);
  /**
   * Inputs per batch the version ran; 0 when it ran none.
   */
  'meanBatchSize': (number);
  /**
   * Batches the version ran.
   */
  'batches': (number);
  /**
   * RFC 3339 start of the window: STATS_WINDOW_SECONDS ago, or when the version loaded, if later.
   */
  'windowStart': (string);
}
