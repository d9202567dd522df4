// Original file: proto/open_inference.proto


/**
 * Triton's model repository extension (grpc_service.proto). This server has
 * one repository: repository_name must be empty or "model-repository".
 */
export interface RepositoryIndexRequest {
  'repositoryName'?: (string);
  /**
   * Only versions ready for inference.
   */
  'ready'?: (boolean);
}

/**
 * Triton's model repository extension (grpc_service.proto). This server has
 * one repository: repository_name must be empty or "model-repository".
 */
export interface RepositoryIndexRequest__Output {
  'repositoryName': (string);
  /**
   * Only versions ready for inference.
   */
  'ready': (boolean);
}
