/**
 * How the supergraph vouches for a subgraph request, and how a subgraph
 * checks it: RFC 9421 HTTP Message Signatures (npm http-message-signatures),
 * HMAC-SHA256 keyed by SUBGRAPH_SECRET, over the method, the target URI, the
 * body's `content-digest` (RFC 9530, sha-256) and the caller's identity, with
 * `created`, `nonce`, `keyid` and `alg` as signature parameters. A captured
 * request cannot be sent with another body, to another path or method, after
 * the window, or twice (the nonce is claimed in a NonceStore).
 *
 * A graphql-ws subscribe message is signed the same way, as if it were a
 * request of method SUBSCRIBE to the socket's URI whose body is the
 * operation, operation name and variables; the headers ride in the message's
 * `extensions`.
 */
import { createHash, randomBytes } from 'node:crypto';

import { httpbis } from 'http-message-signatures';
import type { Request as SignedMessage, SignatureParameters } from 'http-message-signatures';
import { createSigner, createVerifier } from 'http-message-signatures';

import { custom, int } from '../config';
import type { Setting } from '../config';
import { checkSecret, isRole } from '../auth';
import type { Identity } from '../auth';
import { ERROR_CODES } from '../errors';
import type { NonceStore } from './nonce-store';

/** The caller the supergraph vouches for, as base64url JSON `{subject, roles}`. */
export const IDENTITY_HEADER = 'x-infergraph-identity';
export const CONTENT_DIGEST_HEADER = 'content-digest';
export const SIGNATURE_INPUT_HEADER = 'signature-input';
export const SIGNATURE_HEADER = 'signature';
/** The method a signed graphql-ws subscribe message is given, so it is never mistaken for an HTTP request. */
export const SUBSCRIBE_METHOD = 'SUBSCRIBE';

const ALG = 'hmac-sha256';
const LABEL = 'infergraph';
const COMPONENTS = ['@method', '@target-uri', CONTENT_DIGEST_HEADER, IDENTITY_HEADER];
const PARAMS = ['created', 'nonce', 'keyid', 'alg'];

/**
 * SUBGRAPH_SECRET, the same name and bounds on the supergraph (which signs) and in every subgraph (which checks);
 * `doc` says which side this is.
 */
export function subgraphSecretSetting(
  doc = 'Shared with the supergraph (at least 32 characters): every request and subscription must carry its signature (RFC 9421, HMAC-SHA256), checked before the body is parsed. Empty accepts anyone (development).',
): Setting<string> {
  return custom('SUBGRAPH_SECRET', '', '(empty)', doc, 'a secret of at least 32 characters', (raw) => checkSecret(raw, 32));
}

/** SUBGRAPH_SIGNATURE_WINDOW_MS, the same name, default and range in every subgraph. */
export function signatureWindowSetting(): Setting<number> {
  return int(
    'SUBGRAPH_SIGNATURE_WINDOW_MS',
    60_000,
    'How far the `created` time of a signed request from the supergraph may be from this clock, either way (clock skew included); its nonce is remembered twice as long.',
    { min: 1000, max: 600_000 },
  );
}

/** SUBGRAPH_NONCE_MAX_ENTRIES, the bound of the in-memory nonce store in every subgraph. */
export function nonceMaxEntriesSetting(): Setting<number> {
  return int(
    'SUBGRAPH_NONCE_MAX_ENTRIES',
    200_000,
    'Most nonces of signed requests remembered in memory (without Redis, or while Redis is down); past it a signed request answers 503 OVERLOADED until older nonces expire, rather than forget one that could be replayed.',
    { min: 1, max: 10_000_000 },
  );
}

/** Names the key without revealing it, so a subgraph can tell "signed with another secret" from "tampered with". */
export function keyIdOf(secret: string): string {
  return `sha256-${createHash('sha256').update(secret).digest('base64url').slice(0, 16)}`;
}

/** RFC 9530 `Content-Digest` of a body, sha-256. */
export function contentDigest(body: string): string {
  return `sha-256=:${createHash('sha256').update(body, 'utf8').digest('base64')}:`;
}

export function encodeIdentity(identity: Identity): string {
  return Buffer.from(JSON.stringify({ subject: identity.subject, roles: identity.roles })).toString('base64url');
}

/** The identity of a header already verified; undefined when it is malformed. */
export function decodeIdentity(encoded: string): Identity | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as { subject?: unknown; roles?: unknown };
    if (typeof parsed.subject !== 'string' || !Array.isArray(parsed.roles)) return undefined;
    return { subject: parsed.subject, roles: parsed.roles.filter(isRole) };
  } catch {
    return undefined;
  }
}

/** A request (or subscribe message) as signed: `url` is the full target URI (normalized as a URL), `body` the exact text sent. */
export interface SignableRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

/**
 * The headers that sign `request` for the caller `identity` (an IDENTITY_HEADER value, see
 * `encodeIdentity`): `content-digest`, `signature-input` and `signature`. Each call has a fresh nonce.
 */
export async function signRequest(
  request: SignableRequest,
  identity: string,
  secret: string,
  now = Date.now(),
): Promise<Record<string, string>> {
  const headers = { [IDENTITY_HEADER]: identity, [CONTENT_DIGEST_HEADER]: contentDigest(request.body) };
  const signed = await httpbis.signMessage(
    {
      key: createSigner(secret, ALG, keyIdOf(secret)),
      name: LABEL,
      fields: COMPONENTS,
      params: PARAMS,
      paramValues: { created: new Date(now), nonce: randomBytes(16).toString('base64url') },
    },
    { method: request.method, url: new URL(request.url).toString(), headers },
  );
  return Object.fromEntries(
    Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value]),
  );
}

export interface VerifyOptions {
  readonly secret: string;
  readonly windowMs: number;
  readonly nonces: NonceStore;
  readonly now?: number;
}

/** Why a signed request is refused: 401 for what its sender got wrong, 503 when its nonce cannot be remembered. */
export interface SignatureRefusal {
  readonly status: number;
  readonly code: 'UNAUTHENTICATED' | 'OVERLOADED';
  readonly message: string;
}

function refusal(code: SignatureRefusal['code'], message: string): SignatureRefusal {
  return { status: ERROR_CODES[code].http, code, message };
}

const refuse = (message: string): SignatureRefusal => refusal('UNAUTHENTICATED', message);

/** The one value of a header, or undefined when it is absent or repeated. */
function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Checks a signed request: its body against its `content-digest`, its signature
 * (every component and parameter present, this secret's key), `created` within
 * the window either way, and its nonce not seen before; in that order, so a
 * nonce is claimed only for a request the supergraph really signed.
 */
export async function verifyRequest(
  request: SignableRequest & { readonly headers: Readonly<Record<string, string | readonly string[] | undefined>> },
  options: VerifyOptions,
): Promise<Identity | SignatureRefusal> {
  const identityHeader = single(request.headers[IDENTITY_HEADER]);
  const digest = single(request.headers[CONTENT_DIGEST_HEADER]);
  const input = single(request.headers[SIGNATURE_INPUT_HEADER]);
  const signature = single(request.headers[SIGNATURE_HEADER]);
  if (identityHeader === undefined || input === undefined || signature === undefined) {
    return refuse(
      `the request does not come from the supergraph (it needs one ${IDENTITY_HEADER}, ${SIGNATURE_INPUT_HEADER} and ${SIGNATURE_HEADER})`,
    );
  }
  if (digest !== contentDigest(request.body)) return refuse(`the body does not match its ${CONTENT_DIGEST_HEADER} (sha-256)`);

  const keyId = keyIdOf(options.secret);
  const seen: SignatureParameters[] = [];
  let valid: boolean | null;
  try {
    valid = await httpbis.verifyMessage(
      {
        keyLookup: (params) => {
          seen.push(params);
          return Promise.resolve(params.keyid === keyId ? { id: keyId, algs: [ALG], verify: createVerifier(options.secret, ALG) } : null);
        },
        requiredFields: COMPONENTS,
        requiredParams: PARAMS,
        // `created` is checked below, against the window and the caller's clock, not the library's.
        notAfter: Number.MAX_SAFE_INTEGER,
      },
      {
        method: request.method,
        url: new URL(request.url).toString(),
        headers: {
          [IDENTITY_HEADER]: identityHeader,
          [CONTENT_DIGEST_HEADER]: digest,
          [SIGNATURE_INPUT_HEADER]: input,
          [SIGNATURE_HEADER]: signature,
        },
      } satisfies SignedMessage,
    );
  } catch (err) {
    return refuse(`the supergraph signature is not acceptable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const params = seen[0];
  if (seen.length !== 1 || !params) return refuse('the request must carry exactly one signature');
  if (params.keyid !== keyId) return refuse('the request is signed with another key than this SUBGRAPH_SECRET');
  if (valid !== true) return refuse('the supergraph signature does not match the request (method, target URI, body digest or identity)');

  const now = options.now ?? Date.now();
  const created = params.created instanceof Date ? params.created.getTime() : NaN;
  if (!(Math.abs(now - created) <= options.windowMs)) {
    return refuse(
      `the signature was created ${Math.round((now - created) / 1000)} s from now, outside ±${options.windowMs} ms (SUBGRAPH_SIGNATURE_WINDOW_MS)`,
    );
  }
  if (typeof params.nonce !== 'string' || params.nonce === '') return refuse('the signature has no nonce');
  // A signature is good until created + window, at most window past now: the nonce is kept for twice the window.
  const claim = await options.nonces.claim(params.nonce, 2 * options.windowMs);
  if (claim === 'replayed') return refuse('the signature was already used (its nonce was seen within the window): a replay');
  if (claim === 'full')
    return refusal(
      'OVERLOADED',
      'too many signed requests within the window to remember their nonces (SUBGRAPH_NONCE_MAX_ENTRIES); retry later',
    );

  return decodeIdentity(identityHeader) ?? refuse(`the ${IDENTITY_HEADER} header is malformed`);
}

/** The body a graphql-ws subscribe message is signed over: its operation, operation name and variables. */
export function subscribeBody(message: {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: unknown;
}): string {
  return JSON.stringify([message.query, message.operationName ?? null, message.variables ?? null]);
}

/**
 * The `extensions` that sign a graphql-ws subscribe message sent over the socket at `url`
 * for the caller `identity` (an IDENTITY_HEADER value): the identity, `signature-input` and
 * `signature`; the subgraph recomputes the digest from the message it receives.
 */
export async function signSubscription(
  url: string,
  message: { readonly query: string; readonly operationName?: string | null; readonly variables?: unknown },
  identity: string,
  secret: string,
  now = Date.now(),
): Promise<Record<string, string>> {
  const signed = await signRequest({ method: SUBSCRIBE_METHOD, url, body: subscribeBody(message) }, identity, secret, now);
  return {
    [IDENTITY_HEADER]: identity,
    [SIGNATURE_INPUT_HEADER]: signed[SIGNATURE_INPUT_HEADER] ?? '',
    [SIGNATURE_HEADER]: signed[SIGNATURE_HEADER] ?? '',
  };
}
