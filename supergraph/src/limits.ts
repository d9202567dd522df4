/**
 * Limits an operation must keep before the supergraph plans it or calls any
 * subgraph: its size, depth, aliases, cost, and the items of each
 * predictBatch. A rejected operation gets QUERY_TOO_COMPLEX naming the limit,
 * the value and what is allowed.
 *
 * Cost: every `predict` field costs 1 and every `predictBatch` field the
 * number of its inputs, counted through fragments (a fragment spread twice
 * costs twice); other fields are free. Introspection fields count only their aliases.
 */
import { GraphQLError, Kind, OperationTypeNode, getOperationAST } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { requestError } from '../../lib/graphql/errors';

export interface OperationLimits {
  readonly maxOperationBytes: number;
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxCost: number;
  readonly maxBatchItems: number;
}

export function tooComplex(message: string): GraphQLError {
  return requestError('QUERY_TOO_COMPLEX', message);
}

export function checkOperationSize(source: string, limits: Pick<OperationLimits, 'maxOperationBytes'>): GraphQLError | undefined {
  const bytes = Buffer.byteLength(source, 'utf8');
  return bytes > limits.maxOperationBytes
    ? tooComplex(`the operation is ${bytes} bytes; at most ${limits.maxOperationBytes} are allowed (MAX_OPERATION_BYTES)`)
    : undefined;
}

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
  largestBatch: number;
}

export function checkOperationLimits(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  limits: OperationLimits,
): GraphQLError | undefined {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  const definitions = new Map((operation.variableDefinitions ?? []).map((d) => [d.variable.name.value, d]));
  const listLength = (value: ValueNode | undefined): number => {
    if (!value) return 0;
    if (value.kind === Kind.LIST) return value.values.length;
    if (value.kind === Kind.VARIABLE) {
      const name = value.name.value;
      // A variable the caller left out takes the operation's default; one named like an Object method is no exception.
      if (variables && Object.hasOwn(variables, name)) {
        const v = variables[name];
        return Array.isArray(v) ? v.length : v === null || v === undefined ? 0 : 1;
      }
      return listLength(definitions.get(name)?.defaultValue);
    }
    // GraphQL coerces one value into a list of one.
    return value.kind === Kind.NULL ? 0 : 1;
  };
  // Each fragment is measured once and its measure reused wherever it is spread, so nesting
  // fragments that spread each other twice costs linear time, not exponential.
  const memo = new Map<string, Measure>();
  const measureSet = (set: SelectionSetNode, visiting: ReadonlySet<string>): Measure => {
    const total: Measure = { depth: 0, aliases: 0, cost: 0, largestBatch: 0 };
    const add = (m: Measure, depthOffset: number): void => {
      total.depth = Math.max(total.depth, m.depth + depthOffset);
      total.aliases += m.aliases;
      total.cost += m.cost;
      total.largestBatch = Math.max(total.largestBatch, m.largestBatch);
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        // Introspection (GraphiQL, codegen) nests ofType deeply and costs no prediction, but its
        // aliases count: each aliased __schema is a whole schema more in the answer.
        if (selection.name.value.startsWith('__')) {
          total.aliases += (selection.alias ? 1 : 0) + (selection.selectionSet ? measureSet(selection.selectionSet, visiting).aliases : 0);
          continue;
        }
        const own: Measure = { depth: 0, aliases: selection.alias ? 1 : 0, cost: 0, largestBatch: 0 };
        if (selection.name.value === 'predict') own.cost = 1;
        if (selection.name.value === 'predictBatch') {
          const items = listLength(selection.arguments?.find((a) => a.name.value === 'inputs')?.value);
          own.cost = items;
          own.largestBatch = items;
        }
        add(own, 1);
        if (selection.selectionSet) add(measureSet(selection.selectionSet, visiting), 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(measureSet(selection.selectionSet, visiting), 0);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Cycles are a validation error of their own; do not follow them here.
        if (!fragment || visiting.has(name)) continue;
        let m = memo.get(name);
        if (!m) {
          m = measureSet(fragment.selectionSet, new Set([...visiting, name]));
          memo.set(name, m);
        }
        add(m, 0);
      }
    }
    return total;
  };
  const measure = measureSet(operation.selectionSet, new Set());

  if (measure.depth > limits.maxDepth)
    return tooComplex(`the operation is ${measure.depth} fields deep; at most ${limits.maxDepth} are allowed (MAX_QUERY_DEPTH)`);
  if (measure.aliases > limits.maxAliases)
    return tooComplex(`the operation has ${measure.aliases} aliases; at most ${limits.maxAliases} are allowed (MAX_ALIASES)`);
  if (measure.largestBatch > limits.maxBatchItems) {
    return tooComplex(`a predictBatch has ${measure.largestBatch} inputs; at most ${limits.maxBatchItems} are allowed (MAX_BATCH_ITEMS)`);
  }
  if (measure.cost > limits.maxCost)
    return tooComplex(`the operation costs ${measure.cost} predictions; at most ${limits.maxCost} are allowed (MAX_QUERY_COST)`);
  return undefined;
}

/**
 * An operationName that picks no operation of the document. Apollo Server
 * leaves it to the gateway, which reads an empty name as "the only one": it
 * would run an operation no limit was checked on, then answer 500. Refused
 * here as Apollo Server refuses it without a gateway.
 */
function unresolvedOperation(operationName: string | null | undefined): GraphQLError {
  return new GraphQLError(
    typeof operationName === 'string'
      ? `Unknown operation named "${operationName}".`
      : 'Must provide operation name if query contains multiple operations.',
    { extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE, http: { status: 400 } } },
  );
}

/** Applies the limits to every operation Apollo Server runs, before it is planned. */
export function limitsPlugin<C extends BaseContext>(limits: OperationLimits): ApolloServerPlugin<C> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        // Apollo Server answers errors thrown earlier (didResolveSource) as internal errors; here they
        // are request errors, still before planning. MAX_BODY_BYTES bounds what was parsed.
        didResolveOperation: ({ source, document, operationName, request, operation }) => {
          const error =
            (operation === undefined ? unresolvedOperation(request.operationName) : undefined) ??
            (operation?.operation === OperationTypeNode.SUBSCRIPTION
              ? requestError('BAD_USER_INPUT', 'subscriptions are served over graphql-ws on this same /graphql path, not over HTTP')
              : undefined) ??
            checkOperationSize(source, limits) ??
            checkOperationLimits(document, operationName, request.variables, limits);
          return error ? Promise.reject(error) : Promise.resolve();
        },
      }),
  };
}
