/**
 * How a call to inference-grpc proves who sent it: a bearer token in the
 * `authorization` metadata of every call (INFERENCE_TOKEN, the same value in
 * inference-grpc and in every subgraph), optionally over TLS or mutual TLS.
 * The settings live here because inference-grpc and both subgraphs read them
 * under the same names.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { InterceptingCall, credentials } from '@grpc/grpc-js';
import type { ChannelCredentials, Interceptor } from '@grpc/grpc-js';

import { ConfigError, SettingValueError, custom } from '../config';
import { checkSecret } from '../auth';

/** The metadata key carrying the token, as `Bearer <token>`. */
export const AUTHORIZATION_METADATA_KEY = 'authorization';

/** At least this long, as SUBGRAPH_SECRET: a token is a shared secret too. */
const MIN_TOKEN_LENGTH = 32;

function parseToken(raw: string): string {
  if (!/^[\x21-\x7e]+$/.test(raw)) throw new SettingValueError('must be printable ASCII without spaces (it travels in gRPC metadata)');
  return checkSecret(raw, MIN_TOKEN_LENGTH);
}

/** A fresh random token (32 characters) for a stack started on this machine: `npm start` and the test stacks. */
export function generateInferenceToken(): string {
  return randomBytes(24).toString('base64url');
}

/** INFERENCE_TOKEN, the same setting in inference-grpc and in the subgraphs. */
export function inferenceTokenSetting(doc: string) {
  return custom('INFERENCE_TOKEN', '', '(empty)', doc, `a token of at least ${MIN_TOKEN_LENGTH} printable characters`, parseToken);
}

/** A PEM file read at start-up, so a missing or unreadable file stops the service naming its variable. */
export function pemFileSetting(env: string, doc: string) {
  return custom<Buffer | undefined>(env, undefined, '(none)', doc, 'expected the path of a readable PEM file', (raw) => {
    let pem: Buffer;
    try {
      pem = readFileSync(raw);
    } catch (err) {
      throw new SettingValueError(`cannot read the file: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!pem.includes('-----BEGIN ')) throw new SettingValueError('is not a PEM file (no -----BEGIN line)');
    return pem;
  });
}

/** The settings of a client of inference-grpc (both subgraphs). */
export function inferenceClientSecuritySettings() {
  return {
    inferenceToken: inferenceTokenSetting(
      'Bearer token sent with every call to inference-grpc; the same value as its INFERENCE_TOKEN. Empty sends none (development, inference-grpc on loopback).',
    ),
    inferenceTlsCa: pemFileSetting(
      'INFERENCE_TLS_CA',
      "PEM file of the CA that signed inference-grpc's certificate; set, calls to inference-grpc use TLS and check its certificate against this CA.",
    ),
    inferenceTlsClientCert: pemFileSetting(
      'INFERENCE_TLS_CLIENT_CERT',
      'PEM certificate this service presents to inference-grpc for mutual TLS (with INFERENCE_TLS_CLIENT_KEY and INFERENCE_TLS_CA).',
    ),
    inferenceTlsClientKey: pemFileSetting('INFERENCE_TLS_CLIENT_KEY', 'PEM private key of INFERENCE_TLS_CLIENT_CERT.'),
  };
}

/** What a client needs to be let in: the four settings above, read. */
export interface InferenceClientSecurity {
  readonly inferenceToken: string;
  readonly inferenceTlsCa: Buffer | undefined;
  readonly inferenceTlsClientCert: Buffer | undefined;
  readonly inferenceTlsClientKey: Buffer | undefined;
}

/** No token, no TLS: inference-grpc on loopback without INFERENCE_TOKEN (development and tests). */
export const OPEN_CLIENT: InferenceClientSecurity = {
  inferenceToken: '',
  inferenceTlsCa: undefined,
  inferenceTlsClientCert: undefined,
  inferenceTlsClientKey: undefined,
};

/** Settings that make sense only together; throws ConfigError naming them. */
export function checkClientSecurity(security: InferenceClientSecurity): void {
  const problems: string[] = [];
  if ((security.inferenceTlsClientCert === undefined) !== (security.inferenceTlsClientKey === undefined)) {
    problems.push('INFERENCE_TLS_CLIENT_CERT and INFERENCE_TLS_CLIENT_KEY: set both for mutual TLS, or neither');
  }
  if (security.inferenceTlsClientCert !== undefined && security.inferenceTlsCa === undefined) {
    problems.push("INFERENCE_TLS_CLIENT_CERT: mutual TLS needs INFERENCE_TLS_CA too (the CA of inference-grpc's certificate)");
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** TLS when INFERENCE_TLS_CA is set (presenting the client certificate when one is), plaintext otherwise. */
export function channelCredentials(security: InferenceClientSecurity): ChannelCredentials {
  if (security.inferenceTlsCa === undefined) return credentials.createInsecure();
  return credentials.createSsl(security.inferenceTlsCa, security.inferenceTlsClientKey ?? null, security.inferenceTlsClientCert ?? null);
}

/**
 * Adds the bearer token to every call's metadata. An interceptor rather than
 * call credentials, which gRPC refuses to send over a plaintext channel, and
 * the token is meant to work with or without TLS.
 */
export function tokenInterceptors(security: InferenceClientSecurity): Interceptor[] {
  const token = security.inferenceToken;
  if (token === '') return [];
  const bearer = `Bearer ${token}`;
  return [
    (options, nextCall) =>
      new InterceptingCall(nextCall(options), {
        start: (metadata, listener, next) => {
          metadata.set(AUTHORIZATION_METADATA_KEY, bearer);
          next(metadata, listener);
        },
      }),
  ];
}
