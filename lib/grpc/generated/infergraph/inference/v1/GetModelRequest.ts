// Original file: proto/inference.proto


export interface GetModelRequest {
  'name'?: (string);
}

export interface GetModelRequest__Output {
  'name': (string);
}
