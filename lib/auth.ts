/**
 * Who may do what, shared by the supergraph (which authenticates callers) and
 * the subgraphs (which accept only requests carrying the supergraph's signed
 * identity, and enforce roles on their fields too).
 *
 * Roles: reader (queries, subscriptions), predictor (predict, predictBatch),
 * admin (setTrafficPolicy, loadModelVersion, unloadModelVersion). Federation's own fields (_entities, _service) need
 * an identity but no role: the supergraph fetches them for whatever it planned.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { SettingValueError } from './config';

export const ROLES = ['reader', 'predictor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  /** The API key's name or the token's subject. */
  readonly subject: string;
  readonly roles: readonly Role[];
  /** Epoch ms after which a token-based identity is no longer good (a socket opened with it too). */
  readonly expiresAt?: number;
}

/** A secret must not be the placeholder of a manifest, nor short enough to guess offline. */
export function checkSecret(value: string, minLength: number): string {
  if (/^replace-/i.test(value)) throw new SettingValueError('is still the placeholder of a manifest; set a real secret');
  if (value.length < minLength || /^(.)\1*$/.test(value))
    throw new SettingValueError(`must be at least ${minLength} characters and not one repeated character`);
  return value;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The mutations that change the model registry: the admin role's. */
const ADMIN_MUTATIONS: ReadonlySet<string> = new Set(['setTrafficPolicy', 'loadModelVersion', 'unloadModelVersion']);

/** The role a root field needs, or undefined for federation's own fields and introspection. */
export function requiredRole(operation: 'query' | 'mutation' | 'subscription', field: string): Role | undefined {
  if (field.startsWith('_')) return undefined;
  if (operation === 'mutation') return ADMIN_MUTATIONS.has(field) ? 'admin' : 'predictor';
  return 'reader';
}

/** API_KEYS: `name=key:role+role,...`, e.g. `ops=s3cret:admin+reader,app=k2:predictor+reader`. */
export function parseApiKeys(raw: string): ReadonlyMap<string, Identity> {
  const allowed = 'expected a comma-separated list of name=key:role+role with roles reader, predictor, admin';
  const keys = new Map<string, Identity>();
  for (const part of raw.split(',')) {
    const match = /^([\w.-]+)=([^:\s]{16,}):([\w+]+)$/.exec(part.trim());
    const roles = match?.[3]?.split('+') ?? [];
    if (!match?.[1] || !match[2] || roles.length === 0 || !roles.every(isRole)) {
      throw new SettingValueError(`an entry is malformed (keys are at least 16 characters); ${allowed}`);
    }
    checkSecret(match[2], 16);
    if (keys.has(match[2])) throw new SettingValueError(`two entries share a key; ${allowed}`);
    keys.set(match[2], { subject: match[1], roles: roles.filter(isRole) });
  }
  return keys;
}

function hmac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verifies an HS256 JWT: signature, `exp` (required), `nbf` (when present), roles from
 * `rolesClaim` (an array or a space-separated string). Clocks disagree: `exp` and `nbf`
 * are honoured `skewMs` either way, so `expiresAt` is `exp` plus the skew.
 */
export function verifyJwt(token: string, secret: string, rolesClaim: string, now = Date.now(), skewMs = 0): Identity | string {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || signature === undefined) return 'the bearer token is not a JWT';
  let head: unknown;
  let body: unknown;
  try {
    head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return 'the bearer token is not a JWT';
  }
  if (typeof head !== 'object' || head === null || typeof body !== 'object' || body === null || Array.isArray(body))
    return 'the bearer token is not a JWT';
  const claims = body as Record<string, unknown>;
  if ((head as { alg?: unknown }).alg !== 'HS256') return 'the bearer token must be signed with HS256';
  if (!sameBytes(Buffer.from(signature, 'base64url'), hmac(secret, `${header}.${payload}`))) return 'the bearer token has a bad signature';
  if (typeof claims.exp !== 'number') return 'the bearer token has no exp';
  if (claims.nbf !== undefined && typeof claims.nbf !== 'number') return 'the bearer token has an nbf that is not a number';
  const expiresAt = claims.exp * 1000 + skewMs;
  if (expiresAt <= now) return 'the bearer token has expired';
  if (claims.nbf !== undefined && claims.nbf * 1000 - skewMs > now) return 'the bearer token is not valid yet (nbf)';
  const raw = claims[rolesClaim];
  const roles = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(' ') : []).filter(isRole);
  return { subject: typeof claims.sub === 'string' ? claims.sub : 'jwt', roles, expiresAt };
}

/** Makes an HS256 JWT (for tests and for operators minting tokens). */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${header}.${payload}.${hmac(secret, `${header}.${payload}`).toString('base64url')}`;
}
