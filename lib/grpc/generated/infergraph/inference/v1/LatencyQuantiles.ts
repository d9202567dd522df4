// Original file: proto/inference.proto


export interface LatencyQuantiles {
  'p50Ms'?: (number | string);
  'p99Ms'?: (number | string);
}

export interface LatencyQuantiles__Output {
  'p50Ms': (number);
  'p99Ms': (number);
}
