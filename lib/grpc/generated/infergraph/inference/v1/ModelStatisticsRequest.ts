// Original file: proto/inference.proto


export interface ModelStatisticsRequest {
  /**
   * Empty: every model. A model the registry does not know is MODEL_NOT_FOUND.
   */
  'model'?: (string);
  /**
   * Empty: every version of the model(s). Needs model; an unknown version is
   * MODEL_VERSION_NOT_FOUND.
   */
  'version'?: (string);
}

export interface ModelStatisticsRequest__Output {
  /**
   * Empty: every model. A model the registry does not know is MODEL_NOT_FOUND.
   */
  'model': (string);
  /**
   * Empty: every version of the model(s). Needs model; an unknown version is
   * MODEL_VERSION_NOT_FOUND.
   */
  'version': (string);
}
