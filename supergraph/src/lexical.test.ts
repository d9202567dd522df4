import { checkOperationText } from './lexical';

const LIMITS = { maxOperationBytes: 10_000_000, maxTokens: 100, maxNesting: 5 };

/** `depth` braces deep: { a { a { ... } } }. */
const nested = (depth: number): string => '{ a '.repeat(depth).trimEnd() + ' }'.repeat(depth);
/** An operation spreading F0, each fragment spreading the next, `length` fragments in all. */
const chain = (length: number): string =>
  '{ ...F0 } ' +
  Array.from({ length }, (_, i) => (i === length - 1 ? `fragment F${i} on Query { a }` : `fragment F${i} on Query { ...F${i + 1} }`)).join(
    ' ',
  );

describe('checks on an operation text before parsing', () => {
  it('allows MAX_TOKENS tokens and refuses one more', () => {
    // `{`, `}` and 98 names: 100 tokens.
    const names = (n: number): string => `{ ${'a '.repeat(n)}}`;
    expect(checkOperationText(names(98), LIMITS)).toBeUndefined();
    expect(checkOperationText(names(99), LIMITS)).toMatchObject({
      message: 'the operation has more than 100 tokens; at most 100 are allowed (MAX_TOKENS)',
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
  });

  it('allows MAX_NESTING braces and refuses one more', () => {
    expect(checkOperationText(nested(5), LIMITS)).toBeUndefined();
    expect(checkOperationText(nested(6), LIMITS)?.message).toBe(
      'the operation nests 6 deep (braces, brackets and fragment spreads); at most 5 is allowed (MAX_NESTING)',
    );
  });

  it('counts brackets and parentheses of arguments as nesting', () => {
    expect(checkOperationText('{ a(x: [[[1]]]) }', LIMITS)).toBeUndefined();
    expect(checkOperationText('{ a(x: [[[[1]]]]) }', LIMITS)?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('nests a fragment spread as deep as its fragment, through a chain', () => {
    // The operation's braces (1) and each fragment's (1 each) add up along the chain.
    expect(checkOperationText(chain(4), LIMITS)).toBeUndefined();
    expect(checkOperationText(chain(5), LIMITS)?.message).toContain('nests 6 deep');
    expect(checkOperationText('query Q { ...F } fragment F on Query { a { b { c { d } } } }', LIMITS)).toBeUndefined();
    expect(checkOperationText('query Q { x { ...F } } fragment F on Query { a { b { c { d } } } }', LIMITS)?.message).toContain(
      'nests 6 deep',
    );
  });

  it('refuses a chain of 20 000 fragments without recursing through it', () => {
    const limits = { maxOperationBytes: 10_000_000, maxTokens: 10_000_000, maxNesting: 64 };
    expect(checkOperationText(chain(20_000), limits)?.message).toContain('nests 20001 deep');
  });

  it('ends on a cycle of fragments, leaving the cycle to validation', () => {
    expect(checkOperationText('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }', LIMITS)).toBeUndefined();
  });

  it('tells fragments from operations by position, not by name', () => {
    expect(checkOperationText('{ ...query } fragment query on Query { a { b { c { d } } } }', LIMITS)).toBeUndefined();
    expect(checkOperationText('{ x { ...query } } fragment query on Query { a { b { c { d } } } }', LIMITS)?.message).toContain(
      'nests 6 deep',
    );
    expect(checkOperationText('query fragment { a } fragment on on Query { b }', LIMITS)).toBeUndefined();
  });

  it('leaves text that is not GraphQL to the parser, and still checks the size first', () => {
    expect(checkOperationText('{ a " }', LIMITS)).toBeUndefined();
    expect(checkOperationText('{ a }', { ...LIMITS, maxOperationBytes: 4 })?.message).toContain('MAX_OPERATION_BYTES');
  });
});
