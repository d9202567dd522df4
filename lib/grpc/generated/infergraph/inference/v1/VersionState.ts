// Original file: proto/inference.proto

export const VersionState = {
  VERSION_STATE_UNSPECIFIED: 'VERSION_STATE_UNSPECIFIED',
  UNLOADED: 'UNLOADED',
  LOADING: 'LOADING',
  LOADED: 'LOADED',
  FAILED: 'FAILED',
} as const;

export type VersionState =
  | 'VERSION_STATE_UNSPECIFIED'
  | 0
  | 'UNLOADED'
  | 1
  | 'LOADING'
  | 2
  | 'LOADED'
  | 3
  | 'FAILED'
  | 4

export type VersionState__Output = typeof VersionState[keyof typeof VersionState]
