/**
 * The typed schema of the model repository's two kinds of file, checked field
 * by field: `<model>/config.json` and `<model>/<version>/manifest.json`. Each
 * problem names the file and the field.
 */
import { BATCHING_RANGES } from '../../../lib/limits/batching';
import { isJsonObject } from '../../../lib/json';
import { NAME } from '../../../lib/traffic-policy';
import type { BatchingKnobs, InputKind, ModelInput, VersionPolicy } from '../models/types';

export const CONFIG_FILE = 'config.json';
export const MANIFEST_FILE = 'manifest.json';

const INPUT_KINDS: Readonly<Record<string, InputKind>> = { text: 'TEXT', features: 'FEATURES' };

/** Most warmup inputs a model may list: they run as one batch before every load of each version counts as done. */
const MAX_WARMUP_INPUTS = 32;

/** `<model>/config.json`: what the model is and which of its versions answers by default. */
export interface ModelConfig {
  readonly inputKind: InputKind;
  readonly description: string;
  readonly defaultVersion: string;
  readonly canary: { readonly version: string; readonly percent: number } | undefined;
  /** Where the model comes in ListModels: by `order`, then by name (models without one last). */
  readonly order: number | undefined;
  /** `dynamicBatching`: this model's own batch size, queue delay and queue length, each overriding the server's. */
  readonly batching: BatchingKnobs;
  /** `versionPolicy`: which of the version folders are served. */
  readonly versionPolicy: VersionPolicy;
  /** `warmup`: sample inputs each version runs after it loads, before it takes traffic. */
  readonly warmup: readonly ModelInput[];
}

const VERSION_POLICY_SHAPES = '"all", { "latest": <count> } or { "specific": ["v1", ...] }';

/** The fields of `dynamicBatching` (named as Triton's dynamic_batching and max_batch_size), with what each may be. */
const BATCHING_FIELDS = {
  maxBatchSize: { knob: 'maxBatchSize', range: BATCHING_RANGES.maxBatchSize },
  maxQueueDelayMs: { knob: 'maxDelayMs', range: BATCHING_RANGES.maxDelayMs },
  maxQueueSize: { knob: 'maxQueue', range: BATCHING_RANGES.maxQueue },
} as const;

/** `<model>/<version>/manifest.json`: how to load the version and the sha256 of its artifact. */
export interface Manifest {
  readonly format: string;
  readonly backend: string;
  readonly artifact: string;
  readonly sha256: string;
  readonly description?: string;
}

type Json = Record<string, unknown>;

/** Reads the fields of one object, collecting a problem per wrong or unknown field. */
class Fields {
  readonly problems: string[] = [];

  constructor(
    private readonly file: string,
    private readonly value: Json,
    allowed: readonly string[],
  ) {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) this.problem(key, `unknown field; fields are ${allowed.join(', ')}`);
  }

  problem(field: string, message: string): void {
    this.problems.push(`${this.file}: ${field}: ${message}`);
  }

  string(field: string, pattern?: RegExp): string {
    const v = this.value[field];
    if (typeof v === 'string' && v !== '' && (pattern === undefined || pattern.test(v))) return v;
    this.problem(field, v === undefined ? 'missing' : `expected ${pattern ? `a name matching ${String(pattern)}` : 'a non-empty string'}`);
    return '';
  }

  optionalString(field: string): string | undefined {
    return this.value[field] === undefined ? undefined : this.string(field);
  }

  /** An optional integer within `range`. */
  optionalInt(field: string, range: { readonly min: number; readonly max: number }): number | undefined {
    const v = this.value[field];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= range.min && v <= range.max) return v;
    this.problem(field, `expected an integer from ${range.min} to ${range.max}`);
    return undefined;
  }
}

function parseVersionPolicy(value: unknown, fields: Fields): VersionPolicy {
  if (value === undefined || value === 'all') return { kind: 'all' };
  if (isJsonObject(value) && Object.keys(value).length === 1) {
    const { latest, specific } = value;
    if (typeof latest === 'number' && Number.isInteger(latest) && latest >= 1) return { kind: 'latest', count: latest };
    if (Array.isArray(specific) && specific.length > 0 && specific.every((v) => typeof v === 'string' && NAME.test(v)))
      return { kind: 'specific', versions: specific as string[] };
  }
  fields.problem('versionPolicy', `expected ${VERSION_POLICY_SHAPES} (a count from 1, version names)`);
  return { kind: 'all' };
}

function parseBatching(file: string, value: unknown, fields: Fields): BatchingKnobs {
  if (value === undefined) return {};
  if (!isJsonObject(value)) {
    fields.problem('dynamicBatching', `expected an object with any of ${Object.keys(BATCHING_FIELDS).join(', ')}`);
    return {};
  }
  const inner = new Fields(`${file}: dynamicBatching`, value, Object.keys(BATCHING_FIELDS));
  const knobs: Record<string, number> = {};
  for (const [field, { knob, range }] of Object.entries(BATCHING_FIELDS)) {
    const n = inner.optionalInt(field, range);
    if (n !== undefined) knobs[knob] = n;
  }
  fields.problems.push(...inner.problems);
  return knobs;
}

/** Parses a JSON text, naming the file when it is not JSON or not an object. */
export function parseJsonObject(file: string, text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isJsonObject(value)) throw new Error(`${file}: expected a JSON object`);
  return value;
}

/** `warmup`: texts for a TEXT model, feature arrays for a FEATURES one; each wrong entry is named by its index. */
function parseWarmup(fields: Fields, kind: InputKind | undefined, value: unknown): ModelInput[] {
  if (value === undefined) return [];
  const expected = kind === 'FEATURES' ? 'an array of finite numbers' : 'a non-empty string';
  if (!Array.isArray(value) || value.length > MAX_WARMUP_INPUTS) {
    fields.problem('warmup', `expected an array of at most ${MAX_WARMUP_INPUTS} inputs, each ${expected}`);
    return [];
  }
  return value.flatMap((entry: unknown, index): ModelInput[] => {
    if (kind === 'FEATURES' && Array.isArray(entry) && entry.length > 0 && entry.every((x) => typeof x === 'number' && Number.isFinite(x)))
      return [{ kind: 'features', values: entry as number[] }];
    if (kind === 'TEXT' && typeof entry === 'string' && entry !== '') return [{ kind: 'text', text: entry }];
    fields.problem(`warmup[${index}]`, `expected ${expected} (the model's inputKind)`);
    return [];
  });
}

export function parseModelConfig(file: string, json: Json): { config: ModelConfig; problems: string[] } {
  const fields = new Fields(file, json, [
    'inputKind',
    'description',
    'defaultVersion',
    'canary',
    'order',
    'dynamicBatching',
    'versionPolicy',
    'warmup',
  ]);
  const kind = INPUT_KINDS[String(json.inputKind)];
  if (kind === undefined) fields.problem('inputKind', `expected one of ${Object.keys(INPUT_KINDS).join(', ')}`);
  const description = fields.string('description');
  const defaultVersion = fields.string('defaultVersion', NAME);
  let canary: ModelConfig['canary'];
  if (json.canary !== undefined) {
    const c = json.canary;
    if (!isJsonObject(c)) fields.problem('canary', 'expected an object { version, percent }');
    else {
      const inner = new Fields(`${file}: canary`, c, ['version', 'percent']);
      const version = inner.string('version', NAME);
      const percent = c.percent;
      if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 1 || percent > 100)
        inner.problem('percent', 'expected an integer from 1 to 100');
      fields.problems.push(...inner.problems);
      canary = { version, percent: Number(percent) };
    }
  }
  const order = json.order;
  if (order !== undefined && (typeof order !== 'number' || !Number.isInteger(order) || order < 0))
    fields.problem('order', 'expected an integer from 0');
  const batching = parseBatching(file, json.dynamicBatching, fields);
  const versionPolicy = parseVersionPolicy(json.versionPolicy, fields);
  const warmup = parseWarmup(fields, kind, json.warmup);
  const config = {
    inputKind: kind ?? 'TEXT',
    description,
    defaultVersion,
    canary,
    order: typeof order === 'number' ? order : undefined,
    batching,
    versionPolicy,
    warmup,
  };
  return { config, problems: fields.problems };
}

/** A manifest, or an error naming every wrong field. */
export function parseManifest(file: string, json: Json): Manifest {
  const fields = new Fields(file, json, ['format', 'backend', 'artifact', 'sha256', 'description']);
  const manifest: Manifest = {
    format: fields.string('format'),
    backend: fields.string('backend'),
    artifact: fields.string('artifact', /^[\w.-]+$/),
    sha256: fields.string('sha256', /^[0-9a-f]{64}$/),
    description: fields.optionalString('description'),
  };
  if (fields.problems.length > 0) throw new Error(fields.problems.join('; '));
  return manifest;
}
