/**
 * The models subgraph's own words for the registry it shows: a model with
 * its versions and traffic policy (the registry's own, lib/registry-model.ts,
 * shaped as schema/models.graphql answers them), and a change to that policy.
 * The generated gRPC types stay in grpc/, which maps them in grpc/wire.ts.
 */
import type { CanaryPolicy } from '../../../lib/registry-model';

export type { RegistryModel as Model } from '../../../lib/registry-model';

export interface TrafficPolicyChange {
  readonly model: string;
  /** The new default version; empty keeps the current one. */
  readonly defaultVersion: string;
  /** A new canary, 'clear' to remove it, or null to keep it. */
  readonly canary: CanaryPolicy | 'clear' | null;
}

/** One version of one model, as loadModelVersion and unloadModelVersion name it. */
export interface VersionRef {
  readonly model: string;
  readonly version: string;
}
