// Original file: proto/inference.proto


export interface RepositoryModelUnloadRequest {
  'model'?: (string);
  'version'?: (string);
}

export interface RepositoryModelUnloadRequest__Output {
  'model': (string);
  'version': (string);
}
