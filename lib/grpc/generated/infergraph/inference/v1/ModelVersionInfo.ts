// Original file: proto/inference.proto

import type { VersionState as _infergraph_inference_v1_VersionState, VersionState__Output as _infergraph_inference_v1_VersionState__Output } from '../../../infergraph/inference/v1/VersionState';

export interface ModelVersionInfo {
  'version'?: (string);
  'state'?: (_infergraph_inference_v1_VersionState);
  'loaded'?: (boolean);
  /**
   * RFC 3339 time the version finished loading; empty until then.
   */
  'loadedAt'?: (string);
  /**
   * Why the last load failed; empty unless state is FAILED.
   */
  'loadError'?: (string);
  'default'?: (boolean);
  'canary'?: (boolean);
  'description'?: (string);
  /**
   * True when an admin unloaded it (RepositoryModelUnload): predictions naming it are refused until RepositoryModelLoad.
   */
  'unloaded'?: (boolean);
}

export interface ModelVersionInfo__Output {
  'version': (string);
  'state': (_infergraph_inference_v1_VersionState__Output);
  'loaded': (boolean);
  /**
   * RFC 3339 time the version finished loading; empty until then.
   */
  'loadedAt': (string);
  /**
   * Why the last load failed; empty unless state is FAILED.
   */
  'loadError': (string);
  'default': (boolean);
  'canary': (boolean);
  'description': (string);
  /**
   * True when an admin unloaded it (RepositoryModelUnload): predictions naming it are refused until RepositoryModelLoad.
   */
  'unloaded': (boolean);
}
