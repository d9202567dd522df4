/**
 * The model repository on disk, in Triton's shape: `<model>/config.json` and
 * a folder per version, `<model>/<version>/`, holding manifest.json and the
 * artifact it names. Scanned whole at start-up: a wrong config.json, a backend
 * no code implements, or a default version or canary naming an absent version
 * refuses the start (one ConfigError naming each file and field). A version
 * whose manifest or artifact is missing, unreadable or fails its sha256 is
 * FAILED with the reason while the others serve; loading it later checks the
 * files again. After start-up, `repositorySource` scans one version folder
 * at a time (RepositoryModelLoad, and MODEL_REPOSITORY_POLL_MS for new ones):
 * there a problem makes that version FAILED instead of refusing anything.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { ConfigError } from '../../../lib/config';
import { NAME } from '../../../lib/traffic-policy';
import type { NumericCost } from '../models/numeric';
import type { LoadedModel, ModelDefinition, ModelVersionDefinition, VersionPolicy, VersionSource } from '../models/types';
import { BACKENDS } from './backends';
import type { Backend } from './backends';
import { CONFIG_FILE, MANIFEST_FILE, parseJsonObject, parseManifest, parseModelConfig } from './validate';
import type { Manifest } from './validate';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function folders(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function readManifest(directory: string): Manifest {
  const file = path.join(directory, MANIFEST_FILE);
  if (!existsSync(file)) throw new Error(`${file}: missing`);
  return parseManifest(file, parseJsonObject(file, readFileSync(file, 'utf8')));
}

/** The artifact's bytes, or an error saying it is missing or not the file the manifest hashed. */
function readArtifact(directory: string, manifest: Manifest): { file: string; bytes: Buffer } {
  const file = path.join(directory, manifest.artifact);
  if (!existsSync(file)) throw new Error(`${file}: artifact missing`);
  const bytes = readFileSync(file);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== manifest.sha256) throw new Error(`${file}: sha256 ${actual} does not match the manifest's ${manifest.sha256}`);
  return { file, bytes };
}

const unknownBackend = (name: string): string => `unknown backend ${JSON.stringify(name)}; backends are ${[...BACKENDS.keys()].join(', ')}`;

function backendOf(manifest: Manifest): Backend {
  const backend = BACKENDS.get(manifest.backend);
  if (!backend) throw new Error(unknownBackend(manifest.backend));
  return backend;
}

/** Checks the version's files again, then hands them to its backend. */
async function loadVersion(directory: string, numericCost: NumericCost): Promise<LoadedModel> {
  const manifest = readManifest(directory);
  const backend = backendOf(manifest);
  const { file, bytes } = readArtifact(directory, manifest);
  const loaded = await backend({ directory, artifactFile: file, artifact: bytes, numericCost });
  return { run: (inputs) => loaded.run(inputs), digest: manifest.sha256 };
}

/**
 * Why a version cannot serve, as every reader of `models { versions { loadError } }` sees it: files named from the
 * repository's root (`numeric/v2/params.json`), never by where the repository sits on this host.
 */
function versionReason(root: string, err: unknown): string {
  return message(err).split(path.join(root, path.sep)).join('');
}

function scanVersion(
  root: string,
  directory: string,
  version: string,
  numericCost: NumericCost,
  problems: string[],
): ModelVersionDefinition {
  const load = (): Promise<LoadedModel> =>
    loadVersion(directory, numericCost).catch((err: unknown) => {
      throw new Error(versionReason(root, err));
    });
  let manifest: Manifest;
  try {
    manifest = readManifest(directory);
  } catch (err) {
    return { version, description: '', unavailable: versionReason(root, err), load };
  }
  if (!BACKENDS.has(manifest.backend))
    problems.push(`${path.join(directory, MANIFEST_FILE)}: backend: ${unknownBackend(manifest.backend)}`);
  const description = manifest.description ?? '';
  try {
    readArtifact(directory, manifest);
    return { version, description, load };
  } catch (err) {
    return { version, description, unavailable: versionReason(root, err), load };
  }
}

function scanModel(directory: string, name: string, numericCost: NumericCost, problems: string[]): ScannedModel | undefined {
  const file = path.join(directory, CONFIG_FILE);
  if (!existsSync(file)) {
    problems.push(`${file}: missing (every model folder needs one)`);
    return undefined;
  }
  let parsed: ReturnType<typeof parseModelConfig>;
  try {
    parsed = parseModelConfig(file, parseJsonObject(file, readFileSync(file, 'utf8')));
  } catch (err) {
    problems.push(message(err));
    return undefined;
  }
  problems.push(...parsed.problems);
  const { config } = parsed;
  const { versionPolicy } = config;
  const found = folders(directory);
  const served = servedVersions(found, versionPolicy, file, problems);
  const versions = served.map((v) => {
    if (!NAME.test(v)) problems.push(`${path.join(directory, v)}: version folder names must match ${String(NAME)}`);
    return scanVersion(path.dirname(directory), path.join(directory, v), v, numericCost, problems);
  });
  const names = versions.map((v) => v.version);
  const present = `versions${versionPolicy.kind === 'all' ? '' : ' served (versionPolicy)'} are ${names.join(', ') || '(none)'}`;
  const absent = (version: string): string =>
    found.includes(version) ? `${version} is not served by versionPolicy` : `no version folder ${version}`;
  if (found.length === 0) problems.push(`${directory}: no version folders`);
  else if (config.defaultVersion !== '' && !names.includes(config.defaultVersion))
    problems.push(`${file}: defaultVersion: ${absent(config.defaultVersion)}; ${present}`);
  if (config.canary && config.canary.version !== '') {
    if (!names.includes(config.canary.version)) problems.push(`${file}: canary.version: ${absent(config.canary.version)}; ${present}`);
    else if (config.canary.version === config.defaultVersion)
      problems.push(`${file}: canary.version: ${config.canary.version} is already the default version`);
  }
  return { name, ...config, versions };
}

/** The version folders `policy` serves, in folder order; a specific version with no folder is a problem. */
function servedVersions(found: readonly string[], policy: VersionPolicy, file: string, problems: string[]): string[] {
  switch (policy.kind) {
    case 'all':
      return [...found];
    case 'latest':
      return found.slice(-policy.count);
    case 'specific': {
      const missing = policy.versions.filter((v) => !found.includes(v));
      if (missing.length > 0)
        problems.push(`${file}: versionPolicy: no version folder ${missing.join(', ')}; folders are ${found.join(', ')}`);
      return found.filter((v) => policy.versions.includes(v));
    }
  }
}

type ScannedModel = ModelDefinition & { readonly order: number | undefined };

const byOrder = (a: ScannedModel, b: ScannedModel): number =>
  (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name);

/** Every model of the repository at `root`, or a ConfigError naming every problem that refuses the start. */
export function scanRepository(root: string, numericCost: NumericCost): ModelDefinition[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ConfigError([`MODEL_REPOSITORY: ${root} is not a directory`]);
  const problems: string[] = [];
  const models = folders(root).flatMap((name) => {
    if (!NAME.test(name)) {
      problems.push(`${path.join(root, name)}: model folder names must match ${String(NAME)}`);
      return [];
    }
    return scanModel(path.join(root, name), name, numericCost, problems) ?? [];
  });
  if (models.length === 0 && problems.length === 0) problems.push(`MODEL_REPOSITORY: ${root} holds no model folders`);
  if (problems.length > 0) throw new ConfigError(problems);
  return models.sort(byOrder).map(({ order: _order, ...model }) => model);
}

/** One model of the repository at `root`, for scripts that run a model's versions in-process (eval and bench of sentiment). */
export function repositoryModel(root: string, name: string, numericCost: NumericCost): ModelDefinition {
  const model = scanRepository(root, numericCost).find((m) => m.name === name);
  if (!model) throw new ConfigError([`MODEL_REPOSITORY: ${root} has no model ${name}`]);
  return model;
}

/**
 * The repository at `root` after start-up, a version folder at a time, for the registry (load, rescan): only
 * folders the model's versionPolicy serves among those on disk now (as `models`, the start-up scan, read it); one
 * it does not serve is not there for a load either.
 */
export function repositorySource(root: string, numericCost: NumericCost, models: readonly ModelDefinition[]): VersionSource {
  const policies = new Map(models.map((m) => [m.name, m.versionPolicy ?? { kind: 'all' as const }]));
  const policyOf = (model: string): VersionPolicy => policies.get(model) ?? { kind: 'all' };
  const served = (model: string): string[] => {
    const directory = path.join(root, model);
    if (!existsSync(directory)) return [];
    return servedVersions(folders(directory), policyOf(model), path.join(directory, CONFIG_FILE), []).filter((v) => NAME.test(v));
  };
  return {
    versionFolders: served,
    scanVersion: (model, version) => {
      const directory = path.join(root, model, version);
      // A folder removed since it was listed is simply not there.
      if (!served(model).includes(version) || statSync(directory, { throwIfNoEntry: false })?.isDirectory() !== true) return undefined;
      const problems: string[] = [];
      const scanned = scanVersion(root, directory, version, numericCost, problems);
      return problems.length > 0 ? { ...scanned, unavailable: versionReason(root, problems.join('; ')) } : scanned;
    },
  };
}
