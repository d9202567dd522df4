// Original file: proto/inference.proto


export interface RepositoryModelLoadRequest {
  'model'?: (string);
  'version'?: (string);
}

export interface RepositoryModelLoadRequest__Output {
  'model': (string);
  'version': (string);
}
