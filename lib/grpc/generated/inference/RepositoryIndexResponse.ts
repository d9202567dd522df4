// Original file: proto/open_inference.proto


/**
 * One entry per model version.
 */
export interface _inference_RepositoryIndexResponse_ModelIndex {
  'name'?: (string);
  'version'?: (string);
  /**
   * READY, LOADING or UNAVAILABLE, as Triton says; the reason says why it is not ready.
   */
  'state'?: (string);
  'reason'?: (string);
}

/**
 * One entry per model version.
 */
export interface _inference_RepositoryIndexResponse_ModelIndex__Output {
  'name': (string);
  'version': (string);
  /**
   * READY, LOADING or UNAVAILABLE, as Triton says; the reason says why it is not ready.
   */
  'state': (string);
  'reason': (string);
}

export interface RepositoryIndexResponse {
  'models'?: (_inference_RepositoryIndexResponse_ModelIndex)[];
}

export interface RepositoryIndexResponse__Output {
  'models': (_inference_RepositoryIndexResponse_ModelIndex__Output)[];
}
