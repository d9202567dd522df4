// Original file: proto/open_inference.proto


export interface ModelMetadataRequest {
  'name'?: (string);
  /**
   * Empty: the server chooses a version by its own policy.
   */
  'version'?: (string);
}

export interface ModelMetadataRequest__Output {
  'name': (string);
  /**
   * Empty: the server chooses a version by its own policy.
   */
  'version': (string);
}
