/**
 * Checks on an operation's text before anything parses it: its size, its
 * tokens and how deeply it nests. They bound what the parser and the
 * validator may be asked to do, which both do by recursion: a document
 * nested thousands deep, or a chain of thousands of fragments each spreading
 * the next, would otherwise overflow the stack there (a 500) or cost seconds.
 *
 * Nesting is the depth of `{`, `(` and `[`, where a fragment spread adds the
 * nesting of the fragment it names, so a chain of fragments nests as deep as
 * it is long. Found by one pass of graphql-js's own lexer; text it cannot
 * lex is left to the parser, which reports the syntax error.
 */
import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';

import { checkOperationSize, tooComplex } from './limits';

export interface TextLimits {
  readonly maxOperationBytes: number;
  readonly maxTokens: number;
  readonly maxNesting: number;
}

/** One operation or fragment: how deep it nests on its own, and which fragments it spreads at which depth. */
interface Definition {
  depth: number;
  readonly spreads: { readonly name: string; readonly depth: number }[];
}

const OPENING: ReadonlySet<TokenKind> = new Set([TokenKind.BRACE_L, TokenKind.PAREN_L, TokenKind.BRACKET_L]);
const CLOSING: ReadonlySet<TokenKind> = new Set([TokenKind.BRACE_R, TokenKind.PAREN_R, TokenKind.BRACKET_R]);

function tooDeep(depth: number, limits: TextLimits): GraphQLError {
  return tooComplex(
    `the operation nests ${depth} deep (braces, brackets and fragment spreads); at most ${limits.maxNesting} is allowed (MAX_NESTING)`,
  );
}

export function checkOperationText(source: string, limits: TextLimits): GraphQLError | undefined {
  const sizeError = checkOperationSize(source, limits);
  if (sizeError) return sizeError;
  const fragments = new Map<string, Definition>();
  const operations: Definition[] = [];
  let current: Definition = { depth: 0, spreads: [] };
  // Between a definition's first word and the `{` of its selection set.
  let inHeader = false;
  let depth = 0;
  let tokens = 0;
  const lexer = new Lexer(new Source(source));
  const begin = (fragmentName?: string): void => {
    current = { depth: 0, spreads: [] };
    if (fragmentName === undefined) operations.push(current);
    else fragments.set(fragmentName, current);
  };
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens)
        return tooComplex(`the operation has more than ${limits.maxTokens} tokens; at most ${limits.maxTokens} are allowed (MAX_TOKENS)`);
      if (depth === 0 && !inHeader) {
        if (token.kind === TokenKind.NAME) {
          const name = lexer.lookahead();
          begin(token.value === 'fragment' && name.kind === TokenKind.NAME ? name.value : undefined);
          inHeader = true;
        } else if (token.kind === TokenKind.BRACE_L) {
          begin();
        }
      }
      if (OPENING.has(token.kind)) {
        if (depth === 0 && token.kind === TokenKind.BRACE_L) inHeader = false;
        depth += 1;
        current.depth = Math.max(current.depth, depth);
        if (depth > limits.maxNesting) return tooDeep(depth, limits);
      } else if (CLOSING.has(token.kind)) {
        depth = Math.max(0, depth - 1);
      } else if (token.kind === TokenKind.SPREAD) {
        const name = lexer.lookahead();
        if (name.kind === TokenKind.NAME && name.value !== 'on') current.spreads.push({ name: name.value, depth });
      }
    }
  } catch (err) {
    // Not GraphQL at all: the parser says where and why.
    if (err instanceof GraphQLError) return undefined;
    throw err;
  }
  const deepest = Math.max(0, ...operations.map((op) => nestingOf(op, fragments)));
  return deepest > limits.maxNesting ? tooDeep(deepest, limits) : undefined;
}

/** How deep `operation` nests through the fragments it spreads, without recursion (chains may be thousands long). */
function nestingOf(operation: Definition, fragments: ReadonlyMap<string, Definition>): number {
  const known = new Map<string, number>();
  const onPath = new Set<string>();
  const stack: { name: string; definition: Definition; next: number; deepest: number }[] = [];
  const resolve = (start: string): number => {
    const enter = (name: string): void => {
      const definition = fragments.get(name);
      if (!definition) {
        known.set(name, 0);
        return;
      }
      onPath.add(name);
      stack.push({ name, definition, next: 0, deepest: definition.depth });
    };
    if (!known.has(start)) enter(start);
    for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
      const spread = top.definition.spreads[top.next];
      if (spread === undefined) {
        stack.pop();
        onPath.delete(top.name);
        known.set(top.name, top.deepest);
        continue;
      }
      const nested = known.get(spread.name);
      if (nested !== undefined) {
        top.deepest = Math.max(top.deepest, spread.depth + nested);
        top.next += 1;
      } else if (onPath.has(spread.name)) {
        // A cycle: validation refuses it; it adds nothing here.
        top.next += 1;
      } else {
        enter(spread.name);
      }
    }
    return known.get(start) ?? 0;
  };
  return operation.spreads.reduce((deepest, spread) => Math.max(deepest, spread.depth + resolve(spread.name)), operation.depth);
}
