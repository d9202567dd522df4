// Original file: proto/inference.proto

export const ModelEventKind = {
  MODEL_EVENT_KIND_UNSPECIFIED: 'MODEL_EVENT_KIND_UNSPECIFIED',
  SNAPSHOT: 'SNAPSHOT',
  POLICY_CHANGED: 'POLICY_CHANGED',
  VERSION_LOADED: 'VERSION_LOADED',
  VERSION_FAILED: 'VERSION_FAILED',
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

export type ModelEventKind__Output = typeof ModelEventKind[keyof typeof ModelEventKind]
