/**
 * Typed configuration from environment variables, read once at start-up.
 *
 * Each service declares its settings in `<service>/src/config.ts` with the
 * builders below and calls `readConfig(process.env, spec)` there and nowhere
 * else. Every bad variable is reported at once, naming the variable, the value
 * it had and what is allowed. The same spec documents itself (`describeSettings`)
 * so a test keeps the README's configuration table true.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface Setting<T> {
  /** Environment variable name. */
  readonly env: string;
  readonly default: T;
  /** What the variable means, for the README table. */
  readonly doc: string;
  /** What is allowed, used in error messages. */
  readonly allowed: string;
  parse(raw: string): T;
  /** The default as written in the README. */
  readonly defaultText: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Thrown by a parser; the message says what is allowed. */
export class SettingValueError extends Error {}

type Spec = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Spec> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export function readConfig<S extends Spec>(env: Env, spec: S): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(spec)) {
    const raw = env[setting.env];
    if (raw === undefined || raw.trim() === '') {
      out[key] = setting.default;
      continue;
    }
    try {
      out[key] = setting.parse(raw.trim());
    } catch (err) {
      const why = err instanceof SettingValueError ? err.message : setting.allowed;
      problems.push(`${setting.env}=${JSON.stringify(raw)}: ${why}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

export function describeSettings(spec: Spec): { env: string; default: string; doc: string }[] {
  return Object.values(spec).map((s) => ({ env: s.env, default: s.defaultText, doc: s.doc }));
}

function setting<T>(env: string, def: T, doc: string, allowed: string, parse: (raw: string) => T, defaultText = String(def)): Setting<T> {
  return { env, default: def, doc, allowed, defaultText, parse };
}

export function int(env: string, def: number, doc: string, range: { min: number; max: number }): Setting<number> {
  const allowed = `expected an integer from ${range.min} to ${range.max}`;
  return setting(env, def, doc, allowed, (raw) => {
    if (!/^-?\d+$/.test(raw)) throw new SettingValueError(allowed);
    const n = Number(raw);
    if (n < range.min || n > range.max) throw new SettingValueError(allowed);
    return n;
  });
}

export function bool(env: string, def: boolean, doc: string): Setting<boolean> {
  const allowed = 'expected true or false';
  return setting(env, def, doc, allowed, (raw) => {
    const v = raw.toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw new SettingValueError(allowed);
  });
}

export function str(env: string, def: string, doc: string): Setting<string> {
  return setting(env, def, doc, 'expected a string', (raw) => raw, def === '' ? '(empty)' : def);
}

export function oneOf<const T extends string>(env: string, def: T, doc: string, values: readonly T[]): Setting<T> {
  const allowed = `expected one of ${values.join(', ')}`;
  return setting(env, def, doc, allowed, (raw) => {
    const found = values.find((v) => v === raw);
    if (found === undefined) throw new SettingValueError(allowed);
    return found;
  });
}

/** A setting with its own parser; `parse` throws SettingValueError saying what is allowed. */
export function custom<T>(env: string, def: T, defaultText: string, doc: string, allowed: string, parse: (raw: string) => T): Setting<T> {
  return setting(env, def, doc, allowed, parse, defaultText);
}
