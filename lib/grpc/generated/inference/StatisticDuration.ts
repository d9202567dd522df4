// Original file: proto/open_inference.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A cumulative count and the total of its durations.
 */
export interface StatisticDuration {
  'count'?: (number | string | Long);
  'ns'?: (number | string | Long);
}

/**
 * A cumulative count and the total of its durations.
 */
export interface StatisticDuration__Output {
  'count': (string);
  'ns': (string);
}
