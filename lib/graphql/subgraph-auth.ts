/**
 * Subgraphs accept only requests the supergraph signed (SUBGRAPH_SECRET, see
 * ../signing/message-signature), and enforce roles on their root fields too,
 * so a subgraph reached directly is no way around the supergraph's checks.
 * The signature is checked on the raw body, before any GraphQL is parsed
 * (`verifyHttp`, the `verify` hook of ./http); roles once the operation is
 * resolved (`plugin`). Without a secret they accept all (development), and
 * say so at start-up.
 */
import type { IncomingMessage } from 'node:http';

import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, parse } from 'graphql';

import type { Logger } from '../logger';
import {
  CONTENT_DIGEST_HEADER,
  IDENTITY_HEADER,
  SIGNATURE_HEADER,
  SIGNATURE_INPUT_HEADER,
  SUBSCRIBE_METHOD,
  contentDigest,
  decodeIdentity,
  subscribeBody,
  verifyRequest,
} from '../signing/message-signature';
import type { SignatureRefusal } from '../signing/message-signature';
import type { NonceStore } from '../signing/nonce-store';
import { checkRoles, unauthenticated } from './authorize';

export interface SubgraphAuthOptions {
  /** SUBGRAPH_SECRET; empty accepts every request. */
  readonly secret: string;
  /** SUBGRAPH_SIGNATURE_WINDOW_MS */
  readonly windowMs: number;
  /** Where nonces are claimed; disposed with this. */
  readonly nonces: NonceStore;
  readonly logger: Logger;
  /** The clock `created` is checked against (Date.now unless a test controls it). */
  readonly now?: () => number;
}

/** A graphql-ws subscribe message, as a subgraph's onSubscribe receives it. */
export interface SubscribeMessage {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: Readonly<Record<string, unknown>> | null;
  readonly extensions?: Readonly<Record<string, unknown>> | null;
}

/** The URI a request was sent to, as its sender named it: scheme, the Host it sent, and path with query. */
function targetUri(req: IncomingMessage, scheme: 'http' | 'ws'): string {
  const secure = 'encrypted' in req.socket && req.socket.encrypted === true;
  return new URL(req.url ?? '/', `${scheme}${secure ? 's' : ''}://${req.headers.host ?? 'localhost'}`).toString();
}

export class SubgraphAuth {
  private readonly now: () => number;

  constructor(private readonly options: SubgraphAuthOptions) {
    this.now = options.now ?? Date.now;
    if (!options.secret)
      options.logger.warn('SUBGRAPH_SECRET is not set: this subgraph accepts requests from anyone, not only the supergraph');
  }

  /**
   * The `verify` hook of ./http, on the raw body before it is parsed: a request without
   * a good signature, body digest, fresh `created` and unused nonce is refused here.
   */
  readonly verifyHttp = async (req: IncomingMessage, body: string): Promise<SignatureRefusal | undefined> => {
    if (!this.options.secret) return undefined;
    const verified = await verifyRequest(
      { method: (req.method ?? 'GET').toUpperCase(), url: targetUri(req, 'http'), body, headers: req.headers },
      { secret: this.options.secret, windowMs: this.options.windowMs, nonces: this.options.nonces, now: this.now() },
    );
    return 'status' in verified ? verified : undefined;
  };

  /**
   * Role checks on the resolved operation. The identity header it reads was authenticated by
   * `verifyHttp`, which every HTTP request to a subgraph passes first (./subgraph, ./serve).
   */
  plugin<C extends BaseContext>(): ApolloServerPlugin<C> {
    const secret = this.options.secret;
    return {
      requestDidStart: () =>
        Promise.resolve({
          didResolveOperation: ({ request, document, operationName }) => {
            if (!secret) return Promise.resolve();
            const encoded = request.http?.headers.get(IDENTITY_HEADER);
            const identity = encoded === undefined ? undefined : decodeIdentity(encoded);
            const error = identity
              ? checkRoles(document, operationName, identity)
              : unauthenticated('the request carries no identity from the supergraph');
            return error ? Promise.reject(error) : Promise.resolve();
          },
        }),
    };
  }

  /**
   * The same checks for a graphql-ws subscribe message, signed as a SUBSCRIBE to the socket's
   * URI whose body is the operation, operation name and variables; the signature rides in
   * the message's extensions. Checked before the operation is parsed.
   */
  async checkSubscription(upgrade: IncomingMessage, message: SubscribeMessage): Promise<GraphQLError | undefined> {
    if (!this.options.secret) return undefined;
    const ext = message.extensions ?? {};
    const text = (name: string): string | undefined => (typeof ext[name] === 'string' ? ext[name] : undefined);
    const body = subscribeBody(message);
    const verified = await verifyRequest(
      {
        method: SUBSCRIBE_METHOD,
        url: targetUri(upgrade, 'ws'),
        body,
        headers: {
          [IDENTITY_HEADER]: text(IDENTITY_HEADER),
          [SIGNATURE_INPUT_HEADER]: text(SIGNATURE_INPUT_HEADER),
          [SIGNATURE_HEADER]: text(SIGNATURE_HEADER),
          // The digest is of the message as received: a changed operation or variables fail the signature.
          [CONTENT_DIGEST_HEADER]: contentDigest(body),
        },
      },
      { secret: this.options.secret, windowMs: this.options.windowMs, nonces: this.options.nonces, now: this.now() },
    );
    if ('status' in verified) {
      return verified.code === 'UNAUTHENTICATED'
        ? unauthenticated(verified.message)
        : new GraphQLError(verified.message, { extensions: { code: verified.code } });
    }
    return checkRoles(parse(message.query), message.operationName, verified);
  }

  dispose(): Promise<void> {
    return this.options.nonces.dispose();
  }
}
