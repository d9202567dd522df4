/** How the supergraph talks to a subgraph over HTTP: Apollo's data source, carrying the request id and the signed caller. */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, OperationTypeNode } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';

/** A subgraph's GraphQL answer, as the gateway reads it. */
export interface SubgraphAnswer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly GraphQLFormattedError[];
  readonly extensions?: Record<string, unknown>;
}

/** A cache hint as Apollo's CachePolicy.restrict takes it (@apollo/cache-control-types; CacheScope's values). */
interface CacheHint {
  maxAge: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/** The operation's cache policy, as far as a fetch narrows it. */
interface CachePolicy {
  restrict?(hint: CacheHint): void;
}

import type { Identity } from '../../lib/auth';
import { REQUEST_ID_KEY } from '../../lib/logger';
import type { Logger } from '../../lib/logger';
import { IDENTITY_HEADER, encodeIdentity } from '../../lib/signing/message-signature';
import { signedFetcher } from './signed-fetch';
import { SHARE_SCOPE_HEADER, sharedFetcher } from './shared-fetch';
import { keepAliveFetcher } from './subgraph-fetch';
import type { SubgraphFetcher, SubgraphResponse } from './subgraph-fetch';
import { graphQLError } from '../../lib/graphql/errors';

export interface GatewayContext {
  readonly requestId: string;
  /** The caller, or why it could not be identified. */
  readonly identity: Identity | string;
  /** Whose rate-limit bucket this operation draws from. */
  readonly rateKey: string;
  /** True over HTTP, where ./gate authenticated the caller and drew its token before Apollo Server saw the request. */
  readonly admittedAtGate?: boolean;
  /** The fetch ./fast-path already made for this request, which the plan's fetch takes instead of sending it again. */
  readonly replay?: FetchReplay;
  /** When ./fast-path took the request (performance.now()): Apollo Server's run of it is timed from then. */
  readonly startedAt?: number;
}

/** A subgraph fetch made and settled: what it answered, or the error it failed with. */
export interface FetchReplay {
  readonly subgraph: string;
  /** The subgraph operation's text, as the query plan writes it. */
  readonly query: string;
  readonly outcome: { readonly answer: SubgraphAnswer } | { readonly error: unknown };
}

/** The parts of a subgraph request that go into its body. */
export interface SubgraphRequest {
  readonly query?: string;
  readonly operationName?: string;
  readonly variables?: Record<string, unknown>;
  readonly extensions?: Record<string, unknown>;
}

/** The identity header of a caller the supergraph vouches for, signed on its way out (./signed-fetch); none without a secret. */
export function identityHeader(identity: Identity | string | undefined, secret: string): string | undefined {
  return !secret || identity === undefined || typeof identity === 'string' ? undefined : encodeIdentity(identity);
}

export interface SubgraphDataSourceOptions {
  /** The subgraph's name in the supergraph SDL: what clients are told, where its URL is not. */
  readonly name: string;
  readonly url: string;
  readonly subgraphSecret: string;
  /** SUBGRAPH_TIMEOUT_MS */
  readonly timeoutMs: number;
  /** Where failed fetches are logged with their request id and URL. */
  readonly logger: Logger;
  observe?(durationMs: number, ok: boolean): void;
  /** SUBGRAPH_DEDUPLICATION: identical fetches in flight at once share one request (./shared-fetch). */
  readonly deduplicate?: boolean;
  /** Called for each fetch answered by an identical request already in flight. */
  onShared?(): void;
}

/** A planner-written subgraph operation that is a query: `query ...` or the `{ ... }` shorthand. */
const QUERY_OPERATION = /^\s*(?:query\b|\{)/;

/** The subgraphs each mutation in progress has sent a write to, by its context: its later fetches there go out on their own. */
const written = new WeakMap<object, Set<string>>();

/**
 * The scope a fetch to `subgraph` may be shared within, or undefined when it must go out on its own. Only queries and
 * entity fetches, only among callers of the same identity. Of a mutation, only the fetches to subgraphs it has written
 * nothing to: the write a caller must then read is on the subgraph that took it (each subgraph owns its data), so its
 * reads there each go out after the write, while `predict { model { defaultVersion } }` shares its Model fetch.
 */
function shareScope(options: GraphQLDataSourceProcessOptions<GatewayContext>, subgraph: string): string | undefined {
  // Health checks and schema loads carry no incoming operation.
  if (!('incomingRequestContext' in options)) return undefined;
  const incoming = options.incomingRequestContext.operation?.operation;
  const isQuery = QUERY_OPERATION.test(options.request.query ?? '');
  if (incoming === OperationTypeNode.MUTATION) {
    const writes = written.get(options.context) ?? new Set<string>();
    written.set(options.context, writes);
    if (!isQuery) writes.add(subgraph);
    if (writes.has(subgraph)) return undefined;
  } else if (!isQuery || (incoming !== OperationTypeNode.QUERY && incoming !== OperationTypeNode.SUBSCRIPTION)) return undefined;
  const { identity } = options.context as Partial<GatewayContext>;
  // A caller not identified never gets this far; should one, it shares with no one.
  return identity === undefined || typeof identity === 'string' ? undefined : encodeIdentity(identity);
}

/** Apollo's reading of a subgraph's `Cache-Control` answer header (RemoteGraphQLDataSource's parseCacheControlHeader). */
function cacheHintOf(header: string | null): CacheHint {
  const directives: Record<string, string | true> = {};
  for (const part of header ? header.trim().split(/\s*,\s*/) : []) {
    const [name = '', value] = part.split(/\s*=\s*/, 2);
    directives[name] = value === undefined ? true : value.replace(/^"|"$/g, '');
  }
  const maxAge = directives['max-age'];
  const hint: CacheHint = { maxAge: typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0 };
  if (directives.private === true) hint.scope = 'PRIVATE';
  if (directives.public === true) hint.scope = 'PUBLIC';
  return hint;
}

/**
 * What Apollo's RemoteGraphQLDataSource does for a subgraph fetch (same body, headers, errors and cache hints), without
 * the node-fetch Headers and Request objects it builds and copies per fetch, which cost the gateway about a twentieth
 * of its CPU under cache-hit load (bench:gateway, profiled with --cpu-prof): headers stay one plain object from here to
 * the socket.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly fetcher: SubgraphFetcher;

  constructor(private readonly options: SubgraphDataSourceOptions) {
    // Bounded by SUBGRAPH_TIMEOUT_MS: a subgraph that hangs must not hang the supergraph.
    // Signed over exactly what is sent, once the body is serialized; a shared request is signed once.
    const signed = signedFetcher(keepAliveFetcher(options.timeoutMs), options.subgraphSecret);
    this.fetcher = options.deduplicate ? sharedFetcher(signed, () => options.onShared?.()) : signed;
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphAnswer> {
    const { request, context } = options;
    const replay = (context as Partial<GatewayContext>).replay;
    if (replay?.subgraph === this.options.name && replay.query === request.query) {
      if ('answer' in replay.outcome) return replay.outcome.answer;
      throw replay.outcome.error;
    }
    const { http, ...body } = request;
    const scope = this.options.deduplicate ? shareScope(options, this.options.name) : undefined;
    // As Apollo does, the subgraph's Cache-Control narrows the operation's cache policy (what the response cache reads).
    const policy = ('incomingRequestContext' in options ? (options.incomingRequestContext.overallCachePolicy as unknown) : undefined) as
      CachePolicy | undefined;
    return this.fetch(body, context, scope, policy, http?.headers);
  }

  /** A mutation's one fetch, for ./fast-path: a write, so never shared, and no cache policy to narrow. */
  sendMutation(request: SubgraphRequest, context: GatewayContext): Promise<SubgraphAnswer> {
    return this.fetch(request, context, undefined, undefined);
  }

  private async fetch(
    request: SubgraphRequest,
    context: Partial<GatewayContext>,
    scope: string | undefined,
    policy: CachePolicy | undefined,
    /** Headers the plan adds (Apollo's trace request, when usage reporting captures traces). */
    extraHeaders?: Iterable<[string, string]>,
  ): Promise<SubgraphAnswer> {
    const started = performance.now();
    let ok = false;
    try {
      const response = await this.send(request, context, scope, policy, extraHeaders);
      ok = !response.errors?.length;
      return response;
    } finally {
      this.options.observe?.(performance.now() - started, ok);
    }
  }

  private async send(
    { query, ...rest }: SubgraphRequest,
    context: Partial<GatewayContext>,
    scope: string | undefined,
    policy: CachePolicy | undefined,
    extraHeaders: Iterable<[string, string]> = [],
  ): Promise<SubgraphAnswer> {
    if (!query) throw new Error('Missing query');
    const headers: Record<string, string> = {};
    for (const [name, value] of extraHeaders) headers[name.toLowerCase()] = value;
    headers['content-type'] = 'application/json';
    // Health checks and schema loads come with an empty context.
    const { requestId, identity } = context;
    if (typeof requestId === 'string') headers[REQUEST_ID_KEY] = requestId;
    const vouched = identityHeader(identity, this.options.subgraphSecret);
    if (vouched !== undefined) headers[IDENTITY_HEADER] = vouched;
    if (scope !== undefined) headers[SHARE_SCOPE_HEADER] = scope;
    let body: unknown;
    let answer: SubgraphResponse;
    try {
      answer = await this.fetcher(this.options.url, { method: 'POST', headers, body: JSON.stringify({ query, ...rest }) });
      if (!answer.ok) throw await errorFrom(answer);
      body = await parseBody(answer);
      if (typeof body !== 'object' || body === null)
        throw new NotGraphQLError(`expected a JSON object, received ${String(body).slice(0, 200)}`);
    } catch (error) {
      return this.failed(error as Error, requestId);
    }
    if (typeof policy?.restrict === 'function') policy.restrict(cacheHintOf(answer.headers.get('cache-control')));
    return body;
  }

  /** Clients hear the subgraph's name and the code; its URL and the socket's words go to the log. */
  private failed(error: Error, requestId: string | undefined): never {
    const { name, url, timeoutMs, logger } = this.options;
    const failed = (message: string, code: string | undefined): never => {
      logger.warn({ requestId, subgraph: name, url, err: error.message, code }, 'a subgraph fetch failed');
      throw graphQLError('SUBGRAPH_UNAVAILABLE', message);
    };
    // An HTML error page or a broken body: its words (which may name internal hosts) go to the log only.
    if (error instanceof NotGraphQLError || error instanceof SyntaxError)
      return failed(`the subgraph ${name} answered something other than GraphQL JSON`, undefined);
    if (error.name === 'TimeoutError')
      return failed(`the subgraph ${name} did not answer within ${timeoutMs} ms (SUBGRAPH_TIMEOUT_MS)`, undefined);
    if (error.name === 'TypeError' && error.message === 'fetch failed') {
      const cause: unknown = (error as { cause?: unknown }).cause;
      const code =
        typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
      return failed(`the subgraph ${name} is unavailable${code ? ` (${code})` : ''}`, code);
    }
    // A non-2xx answer: the error carries the subgraph's URL and body in extensions.response, as Apollo's does.
    const response = error instanceof GraphQLError ? (error.extensions.response as { status?: unknown } | undefined) : undefined;
    if (response !== undefined)
      return failed(`the subgraph ${name} refused the request (HTTP ${String(response.status)})`, String(response.status));
    throw error;
  }
}

/** A 2xx answer whose body is no JSON object. */
class NotGraphQLError extends Error {}

/** A JSON answer parsed, anything else as text (RemoteGraphQLDataSource's parseBody). */
function parseBody(response: SubgraphResponse): Promise<unknown> {
  const type = response.headers.get('content-type');
  return type?.startsWith('application/json') || type?.startsWith('application/graphql-response+json') ? response.json() : response.text();
}

/** The error of a non-2xx answer, as RemoteGraphQLDataSource's errorFromResponse words it. */
async function errorFrom(response: SubgraphResponse): Promise<GraphQLError> {
  const body = await parseBody(response);
  const code = response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${response.status}: ${response.statusText}`, {
    extensions: {
      response: { url: response.url, status: response.status, statusText: response.statusText, body },
      ...(code ? { code } : {}),
    },
  });
}
