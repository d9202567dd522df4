/**
 * One model of the registry: its definition and its versions, which grow when
 * a version folder is found after start-up (a load naming it, or a rescan),
 * and how it follows the versions the shared policy unloads.
 */
import { InferGraphError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import { NAME } from '../../../lib/traffic-policy';
import type { ModelDefinition, ModelVersionDefinition, VersionSource } from '../models/types';
import type { ModelVersion } from './versions';

/** Longest model or version name a repository request may give (names are folder names). */
const MAX_NAME_LENGTH = 64;

/** A model or version name of a repository request, refused before it names a folder. */
export function checkedName(field: 'model' | 'version', value: string): string {
  if (value.length > MAX_NAME_LENGTH || !NAME.test(value)) {
    throw new InferGraphError(
      'BAD_USER_INPUT',
      `${field} must match ${String(NAME)} and have at most ${MAX_NAME_LENGTH} characters, got ${JSON.stringify(value.slice(0, MAX_NAME_LENGTH))}`,
    );
  }
  return value;
}

export class ModelSlot {
  readonly versions = new Map<string, ModelVersion>();

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

  /** Version folders on disk not known yet, scanned. */
  newFolders(): ModelVersionDefinition[] {
    const source = this.source;
    if (!source) return [];
    return source
      .versionFolders(this.name)
      .filter((folder) => !this.versions.has(folder) && folder.length <= MAX_NAME_LENGTH)
      .flatMap((folder) => source.scanVersion(this.name, folder) ?? []);
  }

  /** Unloads here what the shared policy unloads, and loads again what it no longer does (an unload or load made on another replica). */
  follow(unloaded: readonly string[], logger: Logger | undefined): void {
    for (const [name, version] of this.versions) {
      const wanted = unloaded.includes(name);
      if (wanted && !version.status.unloaded) void version.unload();
      else if (!wanted && version.status.unloaded) {
        let definition: ModelVersionDefinition;
        try {
          definition = this.scanned(name);
        } catch {
          // Its folder is gone here: it may load again on first use, and fail then with the reason.
          version.allow();
          continue;
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
}
