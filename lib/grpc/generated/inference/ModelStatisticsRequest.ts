// Original file: proto/open_inference.proto


export interface ModelStatisticsRequest {
  /**
   * Empty: every model.
   */
  'name'?: (string);
  /**
   * Empty: every version of the model(s).
   */
  'version'?: (string);
}

export interface ModelStatisticsRequest__Output {
  /**
   * Empty: every model.
   */
  'name': (string);
  /**
   * Empty: every version of the model(s).
   */
  'version': (string);
}
