// Original file: proto/open_inference.proto

import type { InferStatistics as _inference_InferStatistics, InferStatistics__Output as _inference_InferStatistics__Output } from '../inference/InferStatistics';
import type { Long } from '@grpc/proto-loader';

/**
 * Counts since the version's statistics began (as Triton's: cumulative, not windowed).
 */
export interface ModelStatistics {
  'name'?: (string);
  'version'?: (string);
  /**
   * Milliseconds since the epoch of the last inference; 0 before the first.
   */
  'lastInference'?: (number | string | Long);
  /**
   * Inputs answered without error, each input of a batch counted.
   */
  'inferenceCount'?: (number | string | Long);
  /**
   * Batches run: one execution answers every input batched into it.
   */
  'executionCount'?: (number | string | Long);
  'inferenceStats'?: (_inference_InferStatistics | null);
}

/**
 * Counts since the version's statistics began (as Triton's: cumulative, not windowed).
 */
export interface ModelStatistics__Output {
  'name': (string);
  'version': (string);
  /**
   * Milliseconds since the epoch of the last inference; 0 before the first.
   */
  'lastInference': (string);
  /**
   * Inputs answered without error, each input of a batch counted.
   */
  'inferenceCount': (string);
  /**
   * Batches run: one execution answers every input batched into it.
   */
  'executionCount': (string);
  'inferenceStats': (_inference_InferStatistics__Output | null);
}
