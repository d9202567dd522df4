/**
 * Who may call inference-grpc: every call but the health service carries
 * `authorization: Bearer <INFERENCE_TOKEN>`, checked in a server interceptor
 * before the call reaches any handler (no model runs, no policy changes, no
 * reflection answers for a caller without it). Health stays open for probes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { Metadata, ServerCredentials, ServerInterceptingCall, status } from '@grpc/grpc-js';
import type { ServerInterceptor } from '@grpc/grpc-js';

import { CODE_METADATA_KEY } from '../../../lib/grpc/errors';
import { AUTHORIZATION_METADATA_KEY } from '../../../lib/grpc/security';
import type { InferenceConfig } from '../config';

/** Open to anyone: load balancers and Kubernetes probe it without credentials. */
const OPEN_SERVICE_PREFIX = '/grpc.health.v1.Health/';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares in constant time whatever the lengths (both sides hashed to 32 bytes first). */
function tokenMatches(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(presented), expected);
}

function unauthenticated(details: string): { code: status; details: string; metadata: Metadata } {
  const metadata = new Metadata();
  metadata.set(CODE_METADATA_KEY, 'UNAUTHENTICATED');
  return { code: status.UNAUTHENTICATED, details, metadata };
}

/**
 * Refuses a call whose metadata lacks the token with UNAUTHENTICATED, before
 * any work: the metadata is never passed on, and grpc-js's handlers ask to
 * read the request message only once they have the metadata, so the message
 * is not even read or decoded, and no handler runs.
 */
export function tokenInterceptor(token: string): ServerInterceptor {
  const expected = digest(`Bearer ${token}`);
  return (method, call) =>
    new ServerInterceptingCall(call, {
      start: (next) => {
        if (method.path.startsWith(OPEN_SERVICE_PREFIX)) {
          next();
          return;
        }
        next({
          onReceiveMetadata: (metadata, passOn) => {
            const values = metadata.get(AUTHORIZATION_METADATA_KEY);
            const presented = values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
            if (presented === undefined) {
              call.sendStatus(unauthenticated('missing bearer token (authorization metadata); set INFERENCE_TOKEN in the caller'));
            } else if (!tokenMatches(presented, expected)) {
              call.sendStatus(unauthenticated("wrong bearer token; the caller's INFERENCE_TOKEN differs from this server's"));
            } else {
              metadata.remove(AUTHORIZATION_METADATA_KEY);
              passOn(metadata);
            }
          },
        });
      },
    });
}

/** TLS when INFERENCE_TLS_CERT and _KEY are set, requiring client certificates signed by INFERENCE_TLS_CLIENT_CA when that is set. */
export function serverCredentials(config: InferenceConfig): ServerCredentials {
  if (config.tlsCert === undefined || config.tlsKey === undefined) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    config.tlsClientCa ?? null,
    [{ cert_chain: config.tlsCert, private_key: config.tlsKey }],
    config.tlsClientCa !== undefined,
  );
}
