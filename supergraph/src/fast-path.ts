/**
 * The fast path (FAST_PATH_MAX_OPERATIONS): a mutation whose query plan is one
 * fetch, whose subgraph operation asks exactly what the client asked, is
 * answered without Apollo Server's request pipeline and the gateway's plan
 * executor, which cost a cache-hit `predict` more CPU than everything else
 * the supergraph does for it (bench:gateway, profiled).
 *
 * An operation text takes it only once Apollo Server has run it once: the
 * gateway tells each plan it resolves (`didResolveQueryPlan`), and a plan
 * that qualifies is remembered under the text and operation name. The
 * supergraph schema is static, so a plan once made is the plan for good.
 *
 * On the fast path the request still goes through what decides whether it
 * may run and what it costs: the gate (auth, rate limit, body and token
 * limits) before it, then the role check, the query limits and the variables'
 * coercion here, the same functions Apollo's pipeline calls. Any of them
 * refusing sends the request through Apollo Server as it came, which answers
 * the refusal as always. The fetch goes out through the same data source
 * (request id, signed identity, timeout, fetch metrics). An answer without
 * errors is the client's answer as it is: the subgraph answered the same
 * selections, so the gateway's result shaping would change nothing. An answer
 * with errors, or a failed fetch, goes through Apollo Server with the fetch's
 * outcome (`GatewayContext.replay`), which the plan takes instead of fetching
 * again: errors are mapped and formatted as they always are, and the mutation
 * reaches the subgraph once.
 *
 * Queries never take it: their answers go through the response cache and its
 * cache hints, which Apollo Server's pipeline keeps.
 */
import { Kind, OperationTypeNode, getOperationAST, getVariableValues, parse, print } from 'graphql';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import type { FetchNode } from '@apollo/query-planner';

import { checkRoles } from '../../lib/graphql/authorize';
import { isJsonObject } from '../../lib/json';
import type { Shortcut, ShortcutAnswer, ShortcutRequest } from '../../lib/graphql/http';
import { logOperation } from '../../lib/graphql/logging';
import type { Logger } from '../../lib/logger';
import type { FetchReplay, GatewayContext, SubgraphAnswer, SubgraphDataSource } from './datasource';
import { checkOperationLimits } from './limits';
import type { OperationLimits } from './limits';
import type { SupergraphMetrics } from './metrics';

/** A mutation whose plan is one fetch, as the gateway planned it. */
interface Learned {
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  /** The API schema its variables are coerced against, as the gateway does. */
  readonly schema: GraphQLSchema;
  readonly subgraph: string;
  /** The planner's subgraph operation. */
  readonly query: string;
  readonly subgraphOperationName: string | undefined;
  readonly variableUsages: readonly string[];
}

/** The body of a POST that Apollo Server reads as one operation, nothing else in it. */
interface JsonRequest {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: Record<string, unknown> | null;
}

export interface FastPathOptions {
  /** FAST_PATH_MAX_OPERATIONS: operation texts remembered, 0 for none. */
  readonly maxOperations: number;
  /** FAST_PATH_MAX_OPERATION_BYTES: the longest text remembered. */
  readonly maxOperationBytes: number;
  readonly dataSources: Readonly<Record<string, SubgraphDataSource>>;
  readonly limits: OperationLimits;
  readonly metrics: SupergraphMetrics;
  readonly logger: Logger;
  /** Told every mutation the fast path answered (the response cache starts a new generation for a registry change). */
  mutated(operation: OperationDefinitionNode, document: DocumentNode): void;
}

/** Accept headers whose content type is remembered (the oldest is dropped first): clients send few distinct ones. */
const MAX_ACCEPT_HEADERS = 64;
const BODY_KEYS: ReadonlySet<string> = new Set(['query', 'operationName', 'variables']);
/** Apollo Gateway's request for the query plan in the answer (node:http lower-cases header names). */
const QUERY_PLAN_HEADER = 'apollo-query-plan-experimental';

/** The key of an operation text and name: an absent name and an empty one differ, and no name and text can collide. */
function keyOf(operationName: string | null | undefined, query: string): string {
  return JSON.stringify([operationName ?? null, query]);
}

/** The request as one JSON operation, or undefined for anything else (GET, batches, persisted queries, other media types). */
function jsonRequest({ headers, body }: ShortcutRequest<GatewayContext>): JsonRequest | undefined {
  if (headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase() !== 'application/json' || !isJsonObject(body)) return undefined;
  for (const key of Object.keys(body)) if (!BODY_KEYS.has(key)) return undefined;
  const { query, operationName, variables } = body;
  if (typeof query !== 'string') return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && !isJsonObject(variables)) return undefined;
  return { query, operationName, variables };
}

/** The only operation of a planner-written subgraph document. */
function operationOf(document: DocumentNode): OperationDefinitionNode | undefined {
  const [definition, ...rest] = document.definitions;
  return rest.length === 0 && definition?.kind === Kind.OPERATION_DEFINITION ? definition : undefined;
}

/** Sets `key` in `map`, first dropping the oldest entry when `map` holds `max` already. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  if (map.size >= max && !map.has(key)) map.delete(map.keys().next().value ?? '');
  map.set(key, value);
}

export class FastPath implements Shortcut<GatewayContext> {
  /** What each operation text's plan was found to be: one the fast path takes, or null for one it does not. */
  private readonly plans = new Map<string, Learned | null>();
  /** The content type Apollo Server answers in, by the Accept header it answered ('' for none). */
  private readonly contentTypes = new Map<string, string>();

  constructor(private readonly options: FastPathOptions) {}

  /** The gateway's experimental_didResolveQueryPlan: remembers a plan that qualifies. */
  readonly didResolveQueryPlan: Experimental_DidResolveQueryPlanCallback = ({ queryPlan, requestContext, operationContext }) => {
    const node = queryPlan.node;
    const operation = requestContext.operation;
    if (this.options.maxOperations === 0 || operation?.operation !== OperationTypeNode.MUTATION || node?.kind !== 'Fetch') return;
    if (node.requires || node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) return;
    const { source } = requestContext;
    if (Buffer.byteLength(source, 'utf8') > this.options.maxOperationBytes) return;
    const key = keyOf(requestContext.request.operationName, source);
    // Decided once per text, either way: a plan that does not qualify is not parsed and printed again on every request.
    if (this.plans.has(key)) return;
    remember(
      this.plans,
      key,
      this.qualify(node, operation, source, requestContext.request.operationName, operationContext.schema),
      this.options.maxOperations,
    );
  };

  /** The plan as the fast path keeps it, or null if its answer would need the gateway's shaping. */
  private qualify(
    node: FetchNode,
    operation: OperationDefinitionNode,
    source: string,
    operationName: string | null | undefined,
    schema: GraphQLSchema,
  ): Learned | null {
    if (!this.options.dataSources[node.serviceName]) return null;
    const subgraphOperation = operationOf(parse(node.operation, { noLocation: true }));
    const selections = print(operation.selectionSet);
    // The same selections, with no directive whose outcome the gateway would evaluate: shaping the answer changes nothing.
    if (!subgraphOperation || print(subgraphOperation.selectionSet) !== selections || selections.includes('@')) return null;
    // Parsed again without locations: Apollo's document keeps every token, many times the text's size.
    const document = parse(source, { noLocation: true });
    const own = getOperationAST(document, operationName);
    if (!own) return null;
    return {
      document,
      operation: own,
      schema,
      subgraph: node.serviceName,
      query: node.operation,
      subgraphOperationName: node.operationName,
      variableUsages: node.variableUsages ?? [],
    };
  }

  negotiated(accept: string | undefined, contentType: string): void {
    const key = accept ?? '';
    // Dropping the oldest, not refusing new ones: a caller sending many Accept values cannot keep others off the fast path.
    if (!this.contentTypes.has(key)) remember(this.contentTypes, key, contentType, MAX_ACCEPT_HEADERS);
  }

  async take(request: ShortcutRequest<GatewayContext>): Promise<ShortcutAnswer | { readonly context: GatewayContext } | undefined> {
    if (this.plans.size === 0) return undefined;
    const started = performance.now();
    const json = jsonRequest(request);
    const learned = json && this.plans.get(keyOf(json.operationName, json.query));
    const contentType = this.contentTypes.get(request.headers.accept ?? '');
    const { context } = request;
    const { identity } = context;
    if (!json || !learned || contentType === undefined || typeof identity === 'string') return undefined;
    // The gateway adds the query plan to an answer that asks for it (outside production): only its executor does.
    if (request.headers[QUERY_PLAN_HEADER] !== undefined) return undefined;
    const { document, operation } = learned;
    // The name must pick the operation that was planned, as Apollo Server resolves it; the checks below read it so.
    if (getOperationAST(document, json.operationName) !== operation) return undefined;
    const variables = json.variables ?? {};
    const refused =
      checkRoles(document, json.operationName, identity) ??
      checkOperationLimits(document, json.operationName, json.variables, this.options.limits) ??
      (operation.variableDefinitions?.length
        ? getVariableValues(learned.schema, operation.variableDefinitions, variables).errors
        : undefined);
    if (refused) return undefined;
    // As the gateway builds them: a variable named __proto__ is a key like any other.
    const sent = Object.create(null) as Record<string, unknown>;
    for (const name of learned.variableUsages)
      if (Object.hasOwn(variables, name) && variables[name] !== undefined) sent[name] = variables[name];
    const dataSource = this.options.dataSources[learned.subgraph];
    if (!dataSource) return undefined;
    const replay = (outcome: FetchReplay['outcome']): { readonly context: GatewayContext } => {
      this.options.metrics.replayedFast();
      // Apollo Server's metrics and log time the operation from here, its fetch included.
      return { context: { ...context, startedAt: started, replay: { subgraph: learned.subgraph, query: learned.query, outcome } } };
    };
    let answer: SubgraphAnswer;
    try {
      answer = await dataSource.sendMutation(
        { query: learned.query, variables: sent, operationName: learned.subgraphOperationName },
        context,
      );
    } catch (error) {
      return replay({ error });
    }
    if (answer.errors !== undefined || !isJsonObject(answer.data)) return replay({ answer });
    this.options.mutated(operation, document);
    this.options.metrics.answeredFast(operation.name?.value, started);
    logOperation(this.options.logger, context.requestId, operation.name?.value, started, []);
    // What Apollo Server sends (orderExecutionResultFields, prettyJSONStringify); the response cache's no-store.
    return {
      headers: { 'content-type': contentType, 'cache-control': 'no-store' },
      body: `${JSON.stringify({ data: answer.data })}\n`,
    };
  }
}
