// Original file: proto/inference.proto


export interface CanaryPolicy {
  'version'?: (string);
  /**
   * Share of traffic without an explicit version sent to the canary, 1..100.
   */
  'percent'?: (number);
}

export interface CanaryPolicy__Output {
  'version': (string);
  /**
   * Share of traffic without an explicit version sent to the canary, 1..100.
   */
  'percent': (number);
}
