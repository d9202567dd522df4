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
  /**
   * Identifies the load now serving: the cluster-wide load count it was loaded for and its artifact's sha256, so every
   * replica serving the same load of the same bytes says the same. A reload changes it once the new load serves (the
   * old one says its own until then). Empty while the version is not loaded.
   */
  'loadId'?: (string);
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
  /**
   * Identifies the load now serving: the cluster-wide load count it was loaded for and its artifact's sha256, so every
   * replica serving the same load of the same bytes says the same. A reload changes it once the new load serves (the
   * old one says its own until then). Empty while the version is not loaded.
   */
  'loadId': (string);
}
