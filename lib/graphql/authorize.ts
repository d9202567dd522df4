/** Role checks over an operation's root fields, the same at the supergraph and in the subgraphs. */
import { Kind, getOperationAST } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode, GraphQLError } from 'graphql';

import { requiredRole } from '../auth';
import type { Identity, Role } from '../auth';
import { requestError } from './errors';

export function unauthenticated(message: string): GraphQLError {
  return requestError('UNAUTHENTICATED', message);
}

function rootFields(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: Set<string>,
  out: string[],
): string[] {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) rootFields(selection.selectionSet, fragments, seen, out);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) rootFields(fragment.selectionSet, fragments, seen, out);
    }
  }
  return out;
}

/** FORBIDDEN naming the first root field the identity lacks the role for, or undefined. */
export function checkRoles(document: DocumentNode, operationName: string | null | undefined, identity: Identity): GraphQLError | undefined {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return undefined;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  for (const field of rootFields(operation.selectionSet, fragments, new Set(), [])) {
    const role: Role | undefined = requiredRole(operation.operation, field);
    if (role && !identity.roles.includes(role)) {
      return requestError(
        'FORBIDDEN',
        `${field} needs the ${role} role; ${identity.subject} has ${identity.roles.join(', ') || 'no role'}`,
      );
    }
  }
  return undefined;
}
