/**
 * Offline schema composition and checks, the work `rover supergraph compose`
 * and `rover subgraph check` do, without Apollo's cloud:
 *
 *   npm run schema:compose   compose schema/{prediction,models}.graphql (as listed in rover.yaml)
 *                            into schema/supergraph.graphql and the client-facing schema/api.graphql
 *   npm run schema:check     fail on composition errors, on breaking changes against the committed
 *                            API schema (listed the way rover lists them), and on drift between the
 *                            subgraph SDL and the committed supergraph and API schema
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { composeServices } from '@apollo/composition';
import { buildSchema, findBreakingChanges, findDangerousChanges, parse, printSchema } from 'graphql';

import { PROJECT_ROOT } from '../lib/paths';

export const SCHEMA_DIR = path.join(PROJECT_ROOT, 'schema');
export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql');
export const API_FILE = path.join(SCHEMA_DIR, 'api.graphql');
export const ROVER_CONFIG = path.join(PROJECT_ROOT, 'rover.yaml');

export interface SubgraphSource {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
}

/** The subgraphs rover.yaml lists (its small YAML subset: name, routing_url, schema.file). */
export function readSubgraphs(configFile = ROVER_CONFIG): SubgraphSource[] {
  const text = readFileSync(configFile, 'utf8');
  const subgraphs: SubgraphSource[] = [];
  const blocks = text.split(/^ {2}(?=[\w-]+:\s*$)/m).slice(1);
  for (const block of blocks) {
    const name = /^([\w-]+):/.exec(block)?.[1];
    const url = /routing_url:\s*(\S+)/.exec(block)?.[1];
    const file = /file:\s*(\S+)/.exec(block)?.[1];
    if (!name || !url || !file) throw new Error(`rover.yaml: subgraph block is missing name, routing_url or schema.file:\n${block}`);
    subgraphs.push({ name, url, sdl: readFileSync(path.resolve(path.dirname(configFile), file), 'utf8') });
  }
  if (subgraphs.length === 0) throw new Error('rover.yaml lists no subgraphs');
  return subgraphs;
}

export interface Composed {
  readonly supergraphSdl: string;
  readonly apiSdl: string;
}

export function compose(subgraphs: readonly SubgraphSource[]): Composed | { errors: string[] } {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) {
    return {
      errors: result.errors.map((e) => `${typeof e.extensions.code === 'string' ? e.extensions.code : 'COMPOSITION_ERROR'}: ${e.message}`),
    };
  }
  return {
    supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`,
    apiSdl: `${printSchema(result.schema.toAPISchema().toGraphQLJSSchema()).trimEnd()}\n`,
  };
}

export interface SchemaChange {
  readonly severity: 'FAIL' | 'PASS';
  readonly code: string;
  readonly description: string;
}

/** Changes from the committed API schema to the new one; FAIL for the breaking ones. */
export function diffApiSchemas(committedApiSdl: string, newApiSdl: string): SchemaChange[] {
  const before = buildSchema(committedApiSdl);
  const after = buildSchema(newApiSdl);
  return [
    ...findBreakingChanges(before, after).map((c) => ({ severity: 'FAIL' as const, code: c.type, description: c.description })),
    ...findDangerousChanges(before, after).map((c) => ({ severity: 'PASS' as const, code: c.type, description: c.description })),
  ];
}

export interface CheckReport {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

export function checkSchemas(subgraphs: readonly SubgraphSource[], committed: { supergraphSdl: string; apiSdl: string }): CheckReport {
  const composed = compose(subgraphs);
  if ('errors' in composed) {
    return { ok: false, lines: ['Composition failed:', ...composed.errors.map((e) => `  ${e}`)] };
  }
  const lines: string[] = [];
  const changes = diffApiSchemas(committed.apiSdl, composed.apiSdl);
  const breaking = changes.filter((c) => c.severity === 'FAIL');
  if (changes.length > 0) {
    lines.push(`Compared ${changes.length} schema changes against the committed API schema (schema/api.graphql):`, ...table(changes));
  }
  if (breaking.length > 0) lines.push(`${breaking.length} breaking change(s): clients of the committed API schema would break.`);
  const drift = [
    composed.supergraphSdl !== committed.supergraphSdl ? 'schema/supergraph.graphql' : undefined,
    composed.apiSdl !== committed.apiSdl ? 'schema/api.graphql' : undefined,
  ].filter((f): f is string => f !== undefined);
  if (drift.length > 0)
    lines.push(
      `${drift.join(' and ')} differ from what the subgraph schemas compose to: run \`npm run schema:compose\` and commit the result.`,
    );
  const ok = breaking.length === 0 && drift.length === 0;
  if (ok) lines.push(`Schema check passed: ${subgraphs.map((s) => s.name).join(' + ')} compose, with no breaking change and no drift.`);
  return { ok, lines };
}

function table(changes: readonly SchemaChange[]): string[] {
  const rows = changes.map((c) => [c.severity, c.code, c.description]);
  const widths = [6, Math.max(4, ...rows.map((r) => r[1]?.length ?? 0)), Math.max(11, ...rows.map((r) => r[2]?.length ?? 0))];
  const line = (cells: string[]): string => `│ ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ')} │`;
  const rule = (l: string, m: string, r: string): string => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  return [rule('┌', '┬', '┐'), line(['Change', 'Code', 'Description']), rule('├', '┼', '┤'), ...rows.map(line), rule('└', '┴', '┘')];
}

function main(): void {
  const command = process.argv[2];
  const subgraphs = readSubgraphs();
  if (command === 'compose') {
    const composed = compose(subgraphs);
    if ('errors' in composed) {
      console.error(['Composition failed:', ...composed.errors].join('\n  '));
      process.exit(1);
    }
    writeFileSync(SUPERGRAPH_FILE, composed.supergraphSdl);
    writeFileSync(API_FILE, composed.apiSdl);
    console.log(
      `Wrote ${path.relative(PROJECT_ROOT, SUPERGRAPH_FILE)} and ${path.relative(PROJECT_ROOT, API_FILE)} from ${subgraphs.map((s) => s.name).join(', ')}.`,
    );
  } else if (command === 'check') {
    const report = checkSchemas(subgraphs, {
      supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
      apiSdl: readFileSync(API_FILE, 'utf8'),
    });
    (report.ok ? console.log : console.error)(report.lines.join('\n'));
    process.exit(report.ok ? 0 : 1);
  } else {
    console.error('usage: tsx scripts/schema.ts compose|check');
    process.exit(2);
  }
}

if (require.main === module) main();
