/**
 * Federated subscriptions, which Apollo Gateway plans but cannot execute.
 * Transport-free: graphql-ws is a thin adapter around it (./ws.ts).
 *
 * The gateway's own planner splits a subscription into `primary`, a
 * subscription to the subgraph that owns the field, and `rest`, the entity
 * fetches for fields other subgraphs own. `primary` is opened over graphql-ws
 * on that subgraph; for each event the gateway's own executor runs
 * primary + rest, with the owning subgraph's fetch answered by the event
 * itself, so aliases, fragments, `__typename`, directives, error paths and
 * response shaping behave as for queries. Subscribers of the same operation
 * (as printed), operation name, coerced variables and identity share one
 * upstream subscription and one resolution per event (./shared.ts).
 */
import { buildOperationContext, executeQueryPlan } from '@apollo/gateway';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import type { Schema } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError, OperationTypeNode, getOperationAST, getVariableValues, print } from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import type { Client, Sink } from 'graphql-ws';

import type { Logger } from '../../../lib/logger';
import { encodeIdentity } from '../../../lib/signing/message-signature';
import type { GatewayContext } from '../datasource';
import { graphQLError } from '../../../lib/graphql/errors';
import { SharedSubscription } from './shared';
import type { UpstreamEvent } from './shared';

type RequestContext = Parameters<typeof executeQueryPlan>[2];

export interface BridgeOptions {
  readonly supergraphSdl: string;
  /** The data source of each subgraph, by name, for entity fetches. */
  readonly dataSources: Readonly<Record<string, GraphQLDataSource<GatewayContext>>>;
  /** The graphql-ws client of each subgraph, by name, for the subscriptions themselves. */
  upstream(subgraph: string): Client;
  /** Extensions sent with each upstream subscription: the caller, signed with the message to `subgraph`. */
  extensions(subgraph: string, message: UpstreamMessage, context: GatewayContext): Promise<Record<string, string>>;
  readonly logger: Logger;
  /** Told of each upstream subscription opened and closed, and of each subscriber that joined one already open. */
  readonly observer?: SubscriptionObserver;
}

export interface SubscriptionObserver {
  opened(subgraph: string): void;
  closed(subgraph: string): void;
  joined(subgraph: string): void;
}

/** What is sent upstream for one subscription, extensions aside. */
export interface UpstreamMessage {
  readonly query: string;
  readonly operationName?: string;
  readonly variables: Record<string, unknown>;
}

export interface SubscribeRequest {
  readonly document: DocumentNode;
  readonly operationName?: string | null;
  readonly variables?: Readonly<Record<string, unknown>> | null;
  readonly context: GatewayContext;
}

export class SubscriptionBridge {
  /** The client-facing schema, for validating subscriptions. */
  readonly schema: GraphQLSchema;
  private readonly apiSchema: Schema;
  private readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  /** The groups that take new members, by what their members share (see `open`). */
  private readonly groups = new Map<string, { readonly group: SharedSubscription; readonly subgraph: string }>();

  constructor(private readonly options: BridgeOptions) {
    const supergraph = Supergraph.build(options.supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** An iterator of results, or one result carrying the errors that stopped it before it began. */
  subscribe(request: SubscribeRequest): AsyncIterableIterator<ExecutionResult> | ExecutionResult {
    try {
      return this.open(request);
    } catch (err) {
      // A throw here would close the client's whole socket: answer this subscription's error instead.
      return { errors: [new GraphQLError(`the subscription could not start: ${err instanceof Error ? err.message : String(err)}`)] };
    }
  }

  private open(request: SubscribeRequest): AsyncIterableIterator<ExecutionResult> | ExecutionResult {
    const operation = getOperationAST(request.document, request.operationName ?? undefined);
    if (!operation || operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      return { errors: [new GraphQLError('the subscription bridge runs subscriptions only')] };
    }
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], { ...request.variables });
    if (coerced.errors) return { errors: coerced.errors };
    // Callers share only with callers of the same identity, the one the upstream and the entity fetches are
    // signed with; a caller not identified never gets this far (./ws.ts), and should one, it shares with no one.
    const { identity } = request.context;
    const key =
      typeof identity === 'string'
        ? undefined
        : JSON.stringify([print(request.document), request.operationName ?? null, coerced.coerced, encodeIdentity(identity)]);
    const joined = key === undefined ? undefined : this.groups.get(key);
    if (joined) {
      this.options.observer?.joined(joined.subgraph);
      return joined.group.join();
    }

    const plan = this.planner.buildQueryPlan(
      operationFromDocument(this.apiSchema, request.document, { operationName: request.operationName ?? undefined }),
    );
    const node = plan.node;
    if (node?.kind !== 'Subscription') return { errors: [new GraphQLError('the query planner did not plan a subscription')] };
    const primary = node.primary;
    const subgraph = primary.serviceName;
    const eventPlan: QueryPlan = { kind: 'QueryPlan', node: node.rest ? { kind: 'Sequence', nodes: [primary, node.rest] } : primary };
    const variables = { ...request.variables };
    const upstreamVariables = Object.fromEntries((primary.variableUsages ?? []).map((name) => [name, variables[name]]));
    const operationContext = buildOperationContext({
      schema: this.schema,
      operationDocument: request.document,
      operationName: request.operationName ?? undefined,
    });

    const client = this.options.upstream(subgraph);
    const group: SharedSubscription = new SharedSubscription({
      resolve: (event) => this.resolveEvent(event, primary, eventPlan, request, variables, operationContext),
      onEnd: () => {
        if (key !== undefined && this.groups.get(key)?.group === group) this.groups.delete(key);
        this.options.observer?.closed(subgraph);
      },
    });
    if (key !== undefined) this.groups.set(key, { group, subgraph });
    this.options.observer?.opened(subgraph);
    const iterator = group.join();
    const fail = (message: string): void => group.end({ errors: [graphQLError('SUBGRAPH_UNAVAILABLE', message)] });
    const message: UpstreamMessage = {
      query: primary.operation,
      variables: upstreamVariables,
      ...(primary.operationName ? { operationName: primary.operationName } : {}),
    };
    const sink: Sink<UpstreamEvent> = {
      next: (event) => group.event(event),
      error: (err: unknown) => {
        // The socket's own words may carry the subgraph's address: they go to the log, not to the client.
        const failure = socketFailure(err);
        if (failure)
          this.options.logger.warn(
            { requestId: request.context.requestId, subgraph, err: failure.message },
            'a subgraph subscription failed',
          );
        fail(`the subscription to subgraph ${subgraph} ended: ${describeUpstreamError(err)}`);
      },
      complete: () => group.end(),
    };
    // Signing takes a moment: subscribers joining meanwhile join this group; if all are gone by then, nothing opens upstream.
    this.options.extensions(subgraph, message, request.context).then(
      (extensions) => {
        if (group.live) group.attach(client.subscribe({ ...message, extensions }, sink));
      },
      (err: unknown) =>
        fail(`the subscription to subgraph ${subgraph} could not be signed: ${err instanceof Error ? err.message : String(err)}`),
    );
    return iterator;
  }

  private async resolveEvent(
    event: UpstreamEvent,
    primary: FetchNode,
    plan: QueryPlan,
    request: SubscribeRequest,
    variables: Record<string, unknown>,
    operationContext: ReturnType<typeof buildOperationContext>,
  ): Promise<ExecutionResult> {
    if (!event.data) return { errors: (event.errors ?? []).map((e) => new GraphQLError(e.message, { extensions: e.extensions })) };
    const owner = this.options.dataSources[primary.serviceName];
    const serviceMap: Record<string, GraphQLDataSource<GatewayContext>> = {
      ...this.options.dataSources,
      [primary.serviceName]: {
        // The owning subgraph's part of each event is the event itself; anything else goes to the subgraph.
        process: (options: GraphQLDataSourceProcessOptions<GatewayContext>) =>
          options.request.query === primary.operation
            ? Promise.resolve({
                data: structuredClone(event.data) as Record<string, unknown>,
                ...(event.errors ? { errors: [...event.errors] } : {}),
              })
            : owner
              ? owner.process(options)
              : Promise.reject(new Error(`no data source for subgraph ${primary.serviceName}`)),
      },
    };
    const requestContext = {
      request: { query: '', variables, operationName: request.operationName ?? undefined },
      document: request.document,
      operationName: request.operationName ?? null,
      operation: operationContext.operation,
      context: request.context,
      logger: this.options.logger,
      // The executor records traces into fresh metrics: one object per event.
      metrics: {},
      overallCachePolicy: undefined,
    } as unknown as RequestContext;
    try {
      const result = await executeQueryPlan(plan, serviceMap, requestContext, operationContext, this.supergraphSchema, this.apiSchema);
      return { data: result.data ?? null, ...(result.errors?.length ? { errors: result.errors } : {}) };
    } catch (err) {
      // A rejected next() would leave graphql-ws unable to close the stream: report the error as a result.
      return { errors: [new GraphQLError(`resolving a subscription event failed: ${err instanceof Error ? err.message : String(err)}`)] };
    }
  }
}

/** The socket's failure, an Error or ws's ErrorEvent (which wraps one), whose message may name the subgraph's address. */
function socketFailure(err: unknown): { message: string; code: string | undefined } | undefined {
  const cause: unknown = err instanceof Error ? err : typeof err === 'object' && err !== null && 'error' in err ? err.error : undefined;
  if (!(cause instanceof Error)) return undefined;
  const code = (cause as NodeJS.ErrnoException).code;
  return { message: cause.message, code: typeof code === 'string' ? code : undefined };
}

/**
 * What the client is told: graphql-ws reports a closed socket as a CloseEvent,
 * a socket that could not connect as ws's ErrorEvent, the subgraph's refusal as
 * GraphQL errors. A socket's failure is told by its code alone, never its message.
 */
export function describeUpstreamError(err: unknown): string {
  const failure = socketFailure(err);
  if (failure) return `the connection failed${failure.code ? ` (${failure.code})` : ''}`;
  if (Array.isArray(err))
    return err
      .map((e: unknown) => (typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : JSON.stringify(e)))
      .join('; ');
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const { code, reason } = err as { code: number; reason?: string };
    return `the connection closed with ${code}${reason ? ` (${reason})` : ''}`;
  }
  return String(err);
}
