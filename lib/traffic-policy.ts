/**
 * The traffic-policy settings (DEFAULT_MODEL_VERSIONS, CANARY), parsed one way
 * for every service that reads them: inference-grpc seeds its registry with
 * them; the prediction subgraph, when its backend speaks OIP (which has no
 * registry RPCs), takes its catalog and canary split from them.
 */
import { SettingValueError, custom } from './config';
import type { Setting } from './config';

export interface CanarySetting {
  readonly model: string;
  readonly version: string;
  readonly percent: number;
}

/** What a model or version name may look like. */
export const NAME = /^[a-z][a-z0-9_-]*$/;

function parseDefaultVersions(raw: string): ReadonlyMap<string, string> {
  const allowed = 'expected a comma-separated list of model:version, e.g. sentiment:v1,numeric:v1';
  const out = new Map<string, string>();
  for (const part of raw.split(',')) {
    const [model, version, extra] = part.trim().split(':');
    if (model === undefined || version === undefined || extra !== undefined || !NAME.test(model) || !NAME.test(version)) {
      throw new SettingValueError(`${JSON.stringify(part)} is malformed; ${allowed}`);
    }
    if (out.has(model)) throw new SettingValueError(`model ${model} is listed twice; ${allowed}`);
    out.set(model, version);
  }
  return out;
}

function parseCanary(raw: string): readonly CanarySetting[] {
  const allowed = 'expected a comma-separated list of model:version:percent with percent from 1 to 100, e.g. sentiment:v2:10';
  const out: CanarySetting[] = [];
  for (const part of raw.split(',')) {
    const [model, version, percentText, extra] = part.trim().split(':');
    const percent = Number(percentText);
    if (
      model === undefined ||
      version === undefined ||
      extra !== undefined ||
      !NAME.test(model) ||
      !NAME.test(version) ||
      !/^\d+$/.test(percentText ?? '') ||
      percent < 1 ||
      percent > 100
    ) {
      throw new SettingValueError(`${JSON.stringify(part)} is malformed; ${allowed}`);
    }
    if (out.some((c) => c.model === model)) throw new SettingValueError(`model ${model} is listed twice; ${allowed}`);
    out.push({ model, version, percent });
  }
  return out;
}

const DEFAULT_VERSIONS_TEXT = 'sentiment:v1,numeric:v1';

/**
 * DEFAULT_MODEL_VERSIONS; `unsetMeansNone`: unset is an empty map (inference-grpc, where each
 * model's config.json names its default), else sentiment:v1,numeric:v1.
 */
export function defaultVersionsSetting(doc: string, unsetMeansNone = false): Setting<ReadonlyMap<string, string>> {
  return custom(
    'DEFAULT_MODEL_VERSIONS',
    unsetMeansNone ? new Map<string, string>() : parseDefaultVersions(DEFAULT_VERSIONS_TEXT),
    unsetMeansNone ? '(none)' : DEFAULT_VERSIONS_TEXT,
    doc,
    'expected model:version pairs',
    parseDefaultVersions,
  );
}

export function canarySetting(doc: string): Setting<readonly CanarySetting[]> {
  return custom<readonly CanarySetting[]>('CANARY', [], '(none)', doc, 'expected model:version:percent triples', parseCanary);
}
