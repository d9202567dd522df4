// Original file: proto/inference.proto

import type { CanaryPolicy as _infergraph_inference_v1_CanaryPolicy, CanaryPolicy__Output as _infergraph_inference_v1_CanaryPolicy__Output } from '../../../infergraph/inference/v1/CanaryPolicy';

export interface SetTrafficPolicyRequest {
  'model'?: (string);
  /**
   * New default version; empty keeps the current one. Promoting the canary
   * version to default ends the canary.
   */
  'defaultVersion'?: (string);
  'canary'?: (_infergraph_inference_v1_CanaryPolicy | null);
  'clearCanary'?: (boolean);
  /**
   * Leave unset to keep the current canary.
   */
  'canaryChange'?: "canary"|"clearCanary";
}

export interface SetTrafficPolicyRequest__Output {
  'model': (string);
  /**
   * New default version; empty keeps the current one. Promoting the canary
   * version to default ends the canary.
   */
  'defaultVersion': (string);
  'canary'?: (_infergraph_inference_v1_CanaryPolicy__Output | null);
  'clearCanary'?: (boolean);
  /**
   * Leave unset to keep the current canary.
   */
  'canaryChange'?: "canary"|"clearCanary";
}
