// Original file: proto/inference.proto

export const ModelEventKind = {
  MODEL_EVENT_KIND_UNSPECIFIED: 'MODEL_EVENT_KIND_UNSPECIFIED',
  SNAPSHOT: 'SNAPSHOT',
  POLICY_CHANGED: 'POLICY_CHANGED',
  VERSION_LOADED: 'VERSION_LOADED',
  VERSION_FAILED: 'VERSION_FAILED',
  /**
   * Sent once, with no model, after the SNAPSHOT events that open every stream:
   * a watcher that has seen it holds the whole registry.
   */
  SNAPSHOT_END: 'SNAPSHOT_END',
  /**
   * A version was unloaded (RepositoryModelUnload), or a new version folder was found and is not loaded yet.
   */
  VERSION_UNLOADED: 'VERSION_UNLOADED',
} as const;

export type ModelEventKind =
  | 'MODEL_EVENT_KIND_UNSPECIFIED'
  | 0
  | 'SNAPSHOT'
  | 1
  | 'POLICY_CHANGED'
  | 2
  | 'VERSION_LOADED'
  | 3
  | 'VERSION_FAILED'
  | 4
  /**
   * Sent once, with no model, after the SNAPSHOT events that open every stream:
   * a watcher that has seen it holds the whole registry.
   */
  | 'SNAPSHOT_END'
  | 5
  /**
   * A version was unloaded (RepositoryModelUnload), or a new version folder was found and is not loaded yet.
   */
  | 'VERSION_UNLOADED'
  | 6

export type ModelEventKind__Output = typeof ModelEventKind[keyof typeof ModelEventKind]
