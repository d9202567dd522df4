/**
 * The supergraph against the GraphQL over HTTP audit of `graphql-http`: every
 * audit passes but those the README names, with the reason, under "GraphQL
 * over HTTP".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { auditServer } from 'graphql-http';

import { PROJECT_ROOT } from '../lib/paths';
import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';

/** The audit ids listed in the README as failing on purpose. */
function failingOnPurpose(): string[] {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.split('**GraphQL over HTTP.**')[1]?.split('\n\n**')[0] ?? '';
  return [...section.matchAll(/^- `([0-9A-F]{4})` /gm)].map((m) => m[1] ?? '');
}

describe('GraphQL over HTTP', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The audit alone sends more requests than the default burst.
    stack = await startStack({ supergraphEnv: { RATE_LIMIT_BURST: '1000' } });
  });
  afterAll(() => stack.close());

  it('passes the graphql-http audit but for the audits the README names', async () => {
    const results = await auditServer({ url: stack.supergraph.url });
    const failing = results.filter((r) => r.status !== 'ok').map((r) => `${r.id} ${r.name}`);
    expect(failing.map((f) => f.slice(0, 4)).sort()).toEqual(failingOnPurpose().sort());
  });

  it('takes URL-encoded variables on a GET that carries the CSRF-prevention header', async () => {
    const query = 'query One($name: String!) { model(name: $name) { name } }';
    const url = `${stack.supergraph.url}?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ name: 'sentiment' }))}`;
    const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true', accept: 'application/graphql-response+json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { model: { name: 'sentiment' } } });
  });

  it('answers a request GraphQL cannot run 200 as application/json and 400 as application/graphql-response+json', async () => {
    const cases = [
      { body: { query: '{ models { name ' }, code: 'GRAPHQL_PARSE_FAILED' },
      { body: { query: '{ nothingHere }' }, code: 'GRAPHQL_VALIDATION_FAILED' },
      { body: { query: 'query One($name: String!) { model(name: $name) { name } }', variables: { name: 5 } }, code: 'BAD_USER_INPUT' },
    ];
    for (const { body, code } of cases) {
      for (const [accept, status] of [
        ['application/json', 200],
        ['application/graphql-response+json', 400],
      ] as const) {
        const res = await fetch(stack.supergraph.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept },
          body: JSON.stringify(body),
        });
        expect({ code, accept, status: res.status }).toEqual({ code, accept, status });
        expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(code);
      }
    }
  });
});
