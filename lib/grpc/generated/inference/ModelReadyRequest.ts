// Original file: proto/open_inference.proto


export interface ModelReadyRequest {
  'name'?: (string);
  /**
   * Empty: the server chooses a version by its own policy.
   */
  'version'?: (string);
}

export interface ModelReadyRequest__Output {
  'name': (string);
  /**
   * Empty: the server chooses a version by its own policy.
   */
  'version': (string);
}
