/**
 * The inference registry in plain words: a model with its versions and
 * traffic policy, as inference-grpc describes it (lib/grpc/registry-watch.ts
 * maps its messages into these). The models subgraph shows them as they are;
 * the prediction subgraph reads the part it routes by.
 */

export type InputKind = 'TEXT' | 'FEATURES';

export type VersionState = 'UNLOADED' | 'LOADING' | 'LOADED' | 'FAILED';

export interface CanaryPolicy {
  readonly version: string;
  /** Share of traffic without an explicit version, 1 to 100. */
  readonly percent: number;
}

export interface RegistryVersion {
  readonly version: string;
  readonly description: string;
  /** Null when inference-grpc does not say. */
  readonly state: VersionState | null;
  readonly loaded: boolean;
  /** RFC 3339 time the version finished loading; null until then. */
  readonly loadedAt: string | null;
  /**
   * Which load serves: its cluster-wide load count and artifact digest, the same on every replica serving the same
   * load of the same bytes; null while the version is not loaded. A prediction says which load answered it.
   */
  readonly loadId: string | null;
  /** Why the last load failed; null unless state is FAILED. */
  readonly loadError: string | null;
  /** Unloaded by an admin (RepositoryModelUnload): refused until loaded again, unlike a version not loaded yet. */
  readonly unloaded: boolean;
  readonly default: boolean;
  readonly canary: boolean;
}

export interface RegistryModel {
  readonly name: string;
  readonly description: string;
  /** Null when inference-grpc does not say. */
  readonly inputKind: InputKind | null;
  readonly defaultVersion: string;
  /** Null when the model has no canary. */
  readonly canary: CanaryPolicy | null;
  readonly versions: readonly RegistryVersion[];
}
