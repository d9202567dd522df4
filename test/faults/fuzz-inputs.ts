/** Bad input for the fuzz test (fuzz.test.ts): odd variables, operations, HTTP requests and graphql-ws messages. */
import fc from 'fast-check';

/** Odd text: lone surrogates, RTL and zero-width marks, emoji sequences, NUL, combining marks. */
const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(
    '\uD800',
    '\uDFFF',
    'a\uDC00b',
    '\u202Eevil\u202C',
    '\u200B\u200C\u200D\uFEFF',
    '👩‍👩‍👧‍👦🏳️‍🌈',
    '\u0000',
    'e\u0301\u0301\u0301',
    'simulate-error',
    '  simulate-error  ',
  ),
  fc.nat({ max: 20_100 }).map((n) => '😀'.repeat(n)),
  fc.integer({ min: 9_990, max: 10_010 }).map((n) => 'x'.repeat(n)),
);

/** Odd numbers, as JSON carries them (NaN and Infinity become null) or as strings that look like numbers. */
const oddNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e308, -1e308, 5e-324, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '0x10', '', ' 1', '1_000'),
  fc.constantFrom(null, true, [], {}),
);

const oddFeatures = fc.oneof(
  fc.array(oddNumber, { maxLength: 20 }),
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1000, maxLength: 1100 }),
  fc.integer({ min: 1, max: 100_000 }).map((n) => Array.from({ length: n }, (_, i) => -i)),
  fc.array(fc.array(fc.double(), { maxLength: 3 }), { maxLength: 3 }),
  oddNumber,
);

const oddInput = fc.record(
  {
    model: fc.oneof(fc.constantFrom('sentiment', 'numeric', 'vision', '', 'sentiment '), oddText),
    version: fc.oneof(fc.constantFrom('v1', 'v2', 'v9', ''), oddText, oddNumber),
    text: oddText,
    features: oddFeatures,
    cache: fc.constantFrom('USE', 'BYPASS', 'REFRESH', 'NEVER', 1, null),
    routingKey: oddText,
    surprise: fc.anything(),
  },
  { requiredKeys: [] },
);

const PREDICT = 'mutation ($input: PredictInput!) { predict(input: $input) { id label classId cache } }';
const PREDICT_BATCH =
  'mutation ($inputs: [PredictInput!]!) { predictBatch(inputs: $inputs) { __typename ... on PredictionError { code } } }';

export const variables = fc.oneof(
  fc.record({ query: fc.constant(PREDICT), variables: fc.record({ input: fc.oneof(oddInput, fc.anything()) }) }),
  fc.record({
    query: fc.constant(PREDICT_BATCH),
    variables: fc.record({
      inputs: fc.oneof(
        fc.array(oddInput, { maxLength: 10 }),
        fc.integer({ min: 250, max: 300 }).map((n) => Array.from({ length: n }, () => ({ model: 'sentiment', text: 'many' }))),
        fc.anything(),
      ),
    }),
  }),
);

const FIELDS = ['models', 'model(name: "numeric")', 'name', 'versions', 'version', 'defaultVersion', '__typename', 'canary', 'percent'];

/** Operations: nesting up to far past MAX_QUERY_DEPTH, thousands of aliases, fragment cycles, garbage. */
const operations = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom(...FIELDS))
    .map(([depth, field]) => `{ ${`${field} { `.repeat(depth)}__typename${' }'.repeat(depth)} }`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`),
  fc.integer({ min: 1, max: 400 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `m${i}: models { name }`).join(' ')} }`),
  fc
    .integer({ min: 2, max: 60 })
    .map(
      (n) =>
        `query { ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { models { name } ...F${(i + 1) % n} ...F${(i + 2) % n} }`).join(' ')}`,
    ),
  fc
    .integer({ min: 1, max: 30 })
    .map(
      (n) =>
        `query { ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { a: models { ...M } ${i + 1 < n ? `...F${i + 1}` : ''} }`).join(' ')} fragment M on Model { name }`,
    ),
  fc
    .integer({ min: 1, max: 600 })
    .map(
      (n) =>
        `mutation { ${Array.from({ length: n }, (_, i) => `p${i}: predict(input: { model: "sentiment", text: "alias ${i}" }) { label }`).join(' ')} }`,
    ),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(
    'subscription { latencyEvents { predictionId } }',
    '{ __schema { types { fields { type { ofType { ofType { name } } } } } } }',
    'query A { models { name } } query B { models { name } }',
    '{',
  ),
);

export const documents = fc.record(
  {
    query: operations,
    operationName: fc.oneof(fc.constant(undefined), fc.constantFrom('A', 'B', 'Nope'), oddText),
    variables: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 3 })),
    extensions: fc.oneof(
      fc.constant(undefined),
      fc.record({ persistedQuery: fc.record({ version: fc.constantFrom(1, 2), sha256Hash: fc.stringMatching(/^[0-9a-f]{64}$/) }) }),
    ),
  },
  { requiredKeys: ['query'] },
);

/** Whole HTTP requests: wrong methods and content types, malformed or huge bodies. */
export const rawRequests = fc.record({
  method: fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH'),
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/graphql',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    '',
  ),
  preflight: fc.boolean(),
  body: fc.oneof(
    fc.string({ unit: 'binary', maxLength: 500 }),
    fc.json({ maxDepth: 4 }),
    fc.json({ maxDepth: 4 }).map((j) => j.slice(0, Math.max(0, j.length - 1))),
    fc.constantFrom(
      'null',
      '[]',
      '{}',
      '{"query": 5}',
      '{"query": null}',
      '[{"query": "{ __typename }"}]',
      '{"query": "{ __typename }", "variables": "x"}',
      '\u0000',
      '{"query":"{ __typename }"',
    ),
    fc
      .integer({ min: 1_048_000, max: 1_100_000 })
      .map((n) => JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(n) } })),
    fc.integer({ min: 1, max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  ),
  search: fc.oneof(
    fc.constant(''),
    fc.webQueryParameters().map((q) => `?${q}`),
    fc.constant('?query=%7B__typename%7D'),
    fc.constant('?query=%7B&variables=%7B'),
  ),
});

/** What a graphql-ws client might send after connection_init: malformed messages and binary junk. */
export const wsMessages = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        type: fc.constantFrom('subscribe', 'complete', 'ping', 'pong', 'connection_init', 'next', 'error', 'bogus'),
        id: fc.oneof(fc.constant('1'), oddText, oddNumber),
        payload: fc.oneof(fc.anything(), fc.record({ query: operations, variables: fc.jsonValue({ maxDepth: 2 }) })),
      },
      { requiredKeys: ['type'] },
    )
    .map((m) => JSON.stringify(m)),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);
