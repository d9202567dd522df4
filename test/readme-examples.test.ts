import { readFileSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/paths';
import { liveSubscription, wsClient } from '../stack/graphql-client';
import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';

const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

/** The JSON bodies of the README's `curl ... localhost:4000/graphql ... -d '...'` lines. */
const curlBodies = [...readme.matchAll(/^curl -s localhost:4000\/graphql .* -d '(.*)'$/gm)].map(
  (m) => JSON.parse(m[1] ?? '') as { query: string },
);

/** The operations of the README's graphql block, each with the variables its `# variables:` line gives. */
const graphqlBlock = /```graphql\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const operations = graphqlBlock
  .split(/\n\s*\n/)
  .map((chunk) => {
    const variables = /^# variables: (.*)$/m.exec(chunk)?.[1];
    return { query: chunk.replace(/#.*$/gm, '').trim(), variables: variables ? (JSON.parse(variables) as Record<string, unknown>) : {} };
  })
  .filter((op) => op.query !== '');

describe('the README examples, as written, against the whole stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('has the examples this test runs', () => {
    expect(curlBodies.length).toBeGreaterThanOrEqual(4);
    expect(operations.map((op) => op.query.split(/[\s({]/)[0])).toEqual(['mutation', 'mutation', 'subscription']);
  });

  it.each(curlBodies.map((body, i) => [i + 1, body] as const))('curl example %i answers without errors', async (_i, body) => {
    const res = await stack.query(body.query);
    expect(res.errors).toBeUndefined();
    expect(res.data).toBeTruthy();
  });

  it('the graphql block: queries and mutations answer, the subscription delivers', async () => {
    for (const op of operations.filter((o) => !o.query.startsWith('subscription'))) {
      const res = await stack.query(op.query, op.variables);
      expect({ query: op.query, errors: res.errors }).toEqual({ query: op.query, errors: undefined });
    }
    const subscription = operations.find((o) => o.query.startsWith('subscription'));
    const client = wsClient(stack.supergraph.url);
    try {
      const iterator = await liveSubscription<Record<string, unknown>>(client, subscription?.query ?? '', () =>
        stack.query('mutation { predict(input: { model: "sentiment", text: "readme", cache: BYPASS }) { id } }'),
      );
      await stack.query('mutation { predict(input: { model: "sentiment", text: "readme again", cache: BYPASS }) { id } }');
      const next = await iterator.next();
      expect(next.done).toBe(false);
      expect((next.value as { errors?: unknown }).errors).toBeUndefined();
      await iterator.return?.();
    } finally {
      await client.dispose();
    }
  });
});
