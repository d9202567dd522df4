/**
 * Who is calling the supergraph: an API key (`x-api-key`, or `Authorization:
 * Bearer <key>`) or an HS256 JWT (`Authorization: Bearer <jwt>`), over HTTP
 * or in graphql-ws `connection_init` ({ apiKey } or { authorization }). With
 * neither API_KEYS nor JWT_SECRET set the supergraph runs open: every caller
 * has every role, and a warning says so at start-up.
 */
import type { ApolloServerPlugin } from '@apollo/server';

import { ROLES, verifyJwt } from '../../lib/auth';
import type { Identity } from '../../lib/auth';
import { checkRoles, unauthenticated } from '../../lib/graphql/authorize';
import type { Logger } from '../../lib/logger';
import type { SupergraphConfig } from './config';
import type { GatewayContext } from './datasource';

const ANONYMOUS: Identity = { subject: 'anonymous', roles: ROLES };
const HOW = 'send an API key (x-api-key) or a bearer token';

export class Authenticator {
  readonly open: boolean;

  constructor(
    private readonly config: Pick<SupergraphConfig, 'apiKeys' | 'jwtSecret' | 'jwtRolesClaim' | 'jwtClockSkewMs'>,
    logger: Logger,
    /** The clock tokens are checked against; tests pass one they control. */
    readonly now: () => number = Date.now,
  ) {
    this.open = config.apiKeys.size === 0 && !config.jwtSecret;
    if (this.open) {
      logger.warn(
        '*** AUTH IS OFF: API_KEYS and JWT_SECRET are empty, so anyone may query, predict and change traffic policy. Set them before exposing this. ***',
      );
    }
  }

  /** The caller, or why it could not be told. */
  identify(apiKey: unknown, authorization: unknown): Identity | string {
    if (this.open) return ANONYMOUS;
    if (typeof apiKey === 'string' && apiKey !== '') return this.config.apiKeys.get(apiKey) ?? 'the API key is not known';
    if (typeof authorization === 'string' && authorization !== '') {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      if (!token) return 'the Authorization header must be "Bearer <token>"';
      const key = this.config.apiKeys.get(token);
      if (key) return key;
      if (this.config.jwtSecret)
        return verifyJwt(token, this.config.jwtSecret, this.config.jwtRolesClaim, this.now(), this.config.jwtClockSkewMs);
      return 'the bearer token is not a known API key';
    }
    return `no credentials: ${HOW}`;
  }
}

/** 401 for an unknown caller, 403 for a root field the caller's roles do not allow, before planning. */
export function authPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ contextValue, document, operationName }) => {
          const identity = contextValue.identity;
          const error = typeof identity === 'string' ? unauthenticated(identity) : checkRoles(document, operationName, identity);
          return error ? Promise.reject(error) : Promise.resolve();
        },
      }),
  };
}
