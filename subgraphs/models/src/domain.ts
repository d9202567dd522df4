/**
 * The models subgraph's own words for the registry it shows: a model with
 * its versions and traffic policy, and a change to that policy, shaped as
 * schema/models.graphql answers them. The generated gRPC types stay in grpc/,
 * which maps them in grpc/wire.ts.
 */

export type InputKind = 'TEXT' | 'FEATURES';

export type VersionState = 'UNLOADED' | 'LOADING' | 'LOADED' | 'FAILED';

export interface CanaryPolicy {
  readonly version: string;
  /** Share of traffic without an explicit version, 1 to 100. */
  readonly percent: number;
}

export interface ModelVersion {
  readonly version: string;
  readonly description: string;
  /** Null when inference-grpc does not say: the field then answers an error, as the schema has it non-null. */
  readonly state: VersionState | null;
  readonly loaded: boolean;
  /** RFC 3339 time the version finished loading; null until then. */
  readonly loadedAt: string | null;
  /** Why the last load failed; null unless state is FAILED. */
  readonly loadError: string | null;
  readonly default: boolean;
  readonly canary: boolean;
}

export interface Model {
  readonly name: string;
  readonly description: string;
  /** Null when inference-grpc does not say: the field then answers an error, as the schema has it non-null. */
  readonly inputKind: InputKind | null;
  readonly defaultVersion: string;
  /** Null when the model has no canary. */
  readonly canary: CanaryPolicy | null;
  readonly versions: readonly ModelVersion[];
}

export interface TrafficPolicyChange {
  readonly model: string;
  /** The new default version; empty keeps the current one. */
  readonly defaultVersion: string;
  /** A new canary, 'clear' to remove it, or null to keep it. */
  readonly canary: CanaryPolicy | 'clear' | null;
}
