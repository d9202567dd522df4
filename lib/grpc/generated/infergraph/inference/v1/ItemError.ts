// Original file: proto/inference.proto


export interface ItemError {
  /**
   * A google.rpc.Code value, as a failed Predict call would carry.
   */
  'grpcCode'?: (number);
  /**
   * The InferGraph error code (lib/errors.ts), e.g. BAD_USER_INPUT.
   */
  'code'?: (string);
  'message'?: (string);
}

export interface ItemError__Output {
  /**
   * A google.rpc.Code value, as a failed Predict call would carry.
   */
  'grpcCode': (number);
  /**
   * The InferGraph error code (lib/errors.ts), e.g. BAD_USER_INPUT.
   */
  'code': (string);
  'message': (string);
}
