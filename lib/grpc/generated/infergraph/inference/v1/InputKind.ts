// Original file: proto/inference.proto

export const InputKind = {
  INPUT_KIND_UNSPECIFIED: 'INPUT_KIND_UNSPECIFIED',
  TEXT: 'TEXT',
  FEATURES: 'FEATURES',
} as const;

export type InputKind =
  | 'INPUT_KIND_UNSPECIFIED'
  | 0
  | 'TEXT'
  | 1
  | 'FEATURES'
  | 2

export type InputKind__Output = typeof InputKind[keyof typeof InputKind]
