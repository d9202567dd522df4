/**
 * One model of the registry: its definition and its versions, which grow when
 * a version folder is found after start-up (a load naming it, a rescan, or
 * a policy naming it), and how it follows the versions the shared policy
 * unloads and loads.
 */
import { InferGraphError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import { NAME } from '../../../lib/traffic-policy';
import type { TrafficPolicy } from '../policy/store';
import { loadCount } from '../policy/validation';
import type { ModelDefinition, ModelVersionDefinition, VersionSource } from '../models/types';
import type { ModelVersion } from './versions';

/** Longest model or version name a repository request may give (names are folder names). */
export const MAX_NAME_LENGTH = 64;

/** Whether `value` may name a model or version folder: a name of at most MAX_NAME_LENGTH characters. */
function isFolderName(value: string): boolean {
  return value.length <= MAX_NAME_LENGTH && NAME.test(value);
}

/** A model or version name of a repository request, refused before it names a folder. */
export function checkedName(field: 'model' | 'version', value: string): string {
  if (!isFolderName(value)) {
    throw new InferGraphError(
      'BAD_USER_INPUT',
      `${field} must match ${String(NAME)} and have at most ${MAX_NAME_LENGTH} characters, got ${JSON.stringify(value.slice(0, MAX_NAME_LENGTH))}`,
    );
  }
  return value;
}

export class ModelSlot {
  readonly versions = new Map<string, ModelVersion>();
  /** Loads under way here, by version: following the policy leaves a version alone until its last load has shared itself. */
  private readonly holds = new Map<string, number>();

  constructor(
    readonly definition: ModelDefinition,
    private readonly make: (definition: ModelVersionDefinition) => ModelVersion,
    /** Without one, a load finds the version as the catalog has it, and there is never a new one. */
    private readonly source: VersionSource | undefined,
  ) {
    for (const v of definition.versions) this.versions.set(v.version, make(v));
  }

  get name(): string {
    return this.definition.name;
  }

  /** The version, or MODEL_VERSION_NOT_FOUND naming those there are. */
  version(version: string): ModelVersion {
    const found = this.versions.get(version);
    if (!found) throw this.notFound(version);
    return found;
  }

  notFound(version: string): InferGraphError {
    return new InferGraphError(
      'MODEL_VERSION_NOT_FOUND',
      `model ${this.name} has no version ${JSON.stringify(version)}; versions are ${[...this.versions.keys()].join(', ')}`,
    );
  }

  /** A version found after start-up, freshly scanned. */
  add(definition: ModelVersionDefinition): ModelVersion {
    const added = this.make(definition);
    this.versions.set(definition.version, added);
    return added;
  }

  /** The version's folder scanned afresh; without a repository, the version as the catalog has it. */
  scanned(version: string): ModelVersionDefinition {
    const definition = this.source?.scanVersion(this.name, version) ?? this.versions.get(version)?.definition;
    if (!definition) throw this.notFound(version);
    return definition;
  }

  /**
   * Version folders on disk not known yet, scanned; one that does not scan whole (still being copied, say) is left
   * for the next poll rather than added FAILED for good. A load naming it reports why.
   */
  newFolders(): ModelVersionDefinition[] {
    return this.unknown(this.source?.versionFolders(this.name) ?? []).filter((v) => v.unavailable === undefined);
  }

  /** Those of `names` not known yet that have a version folder, scanned. */
  unknown(names: readonly string[]): ModelVersionDefinition[] {
    const source = this.source;
    if (!source) return [];
    return [...new Set(names)]
      .filter((name) => !this.versions.has(name) && isFolderName(name))
      .flatMap((name) => source.scanVersion(this.name, name) ?? []);
  }

  /** A load of `version` starts here: following the policy leaves it alone until the load is released. */
  hold(version: string): void {
    this.holds.set(version, (this.holds.get(version) ?? 0) + 1);
  }

  /**
   * A load of `version` is done (shared or not). Once no other load holds it, it is brought to what the shared policy
   * now says, which may have changed while it was held (an unload made meanwhile, here or elsewhere, and overtaken).
   */
  release(version: string, policy: TrafficPolicy, logger: Logger | undefined): void {
    const holds = (this.holds.get(version) ?? 1) - 1;
    if (holds > 0) {
      this.holds.set(version, holds);
      return;
    }
    this.holds.delete(version);
    const found = this.versions.get(version);
    if (found) this.followVersion(version, found, policy, logger);
  }

  /**
   * Unloads here what the shared policy unloads, and loads again what it no longer does or what it counts a new
   * load of (an unload or load made on another replica). A version not loaded yet just loads on first use.
   */
  follow(policy: TrafficPolicy, logger: Logger | undefined): void {
    for (const [name, version] of this.versions) this.followVersion(name, version, policy, logger);
  }

  private followVersion(name: string, version: ModelVersion, policy: TrafficPolicy, logger: Logger | undefined): void {
    if (this.holds.has(name)) return;
    // A load made (or under way) for an older count than the policy's is made again: one made elsewhere, or one made
    // here that a concurrent load elsewhere overtook. A reload that failed is tried again at the next policy applied.
    const reloaded = version.requestedLoadCount < loadCount(policy, name);
    const wanted = (policy.unloaded ?? []).includes(name);
    if (wanted && !version.status.unloaded) void version.unload();
    else if (!wanted && (version.status.unloaded || (reloaded && version.status.state !== 'UNLOADED'))) {
      let definition: ModelVersionDefinition;
      try {
        definition = this.scanned(name);
      } catch {
        // Its folder is gone here: it may load again on first use, and fail then with the reason.
        version.allow();
        return;
      }
      version
        .reload(definition)
        .catch((err: unknown) =>
          logger?.error(
            { model: this.name, version: name, err: (err as Error).message },
            'version loaded on another replica failed to load here',
          ),
        );
    }
  }
}
