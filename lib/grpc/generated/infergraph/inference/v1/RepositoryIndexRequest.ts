// Original file: proto/inference.proto


/**
 * ready: only versions that are LOADED.
 */
export interface RepositoryIndexRequest {
  'ready'?: (boolean);
}

/**
 * ready: only versions that are LOADED.
 */
export interface RepositoryIndexRequest__Output {
  'ready': (boolean);
}
