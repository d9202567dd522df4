// Original file: proto/open_inference.proto

import type { StatisticDuration as _inference_StatisticDuration, StatisticDuration__Output as _inference_StatisticDuration__Output } from '../inference/StatisticDuration';

export interface InferStatistics {
  /**
   * Inputs answered without error, and their time from arrival to answer.
   */
  'success'?: (_inference_StatisticDuration | null);
  /**
   * Inputs that failed, and their time from arrival to failure.
   */
  'fail'?: (_inference_StatisticDuration | null);
}

export interface InferStatistics__Output {
  /**
   * Inputs answered without error, and their time from arrival to answer.
   */
  'success': (_inference_StatisticDuration__Output | null);
  /**
   * Inputs that failed, and their time from arrival to failure.
   */
  'fail': (_inference_StatisticDuration__Output | null);
}
