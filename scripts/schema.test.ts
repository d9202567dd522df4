import { readFileSync } from 'node:fs';

import { API_FILE, SUPERGRAPH_FILE, checkSchemas, readSubgraphs } from './schema';

const committed = () => ({ supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'), apiSdl: readFileSync(API_FILE, 'utf8') });

describe('schema:check', () => {
  it('passes on the committed schemas', () => {
    const report = checkSchemas(readSubgraphs(), committed());
    expect(report).toEqual({ ok: true, lines: [expect.stringContaining('Schema check passed')] });
  });

  it('catches a removed field as a breaking change, listed the way rover lists it', () => {
    const subgraphs = readSubgraphs().map((s) =>
      s.name === 'prediction'
        ? { ...s, sdl: s.sdl.replace(/^\s*"Confidence in the sentiment label[^\n]*\n\s*confidence: Float\n/m, '\n') }
        : s,
    );
    expect(subgraphs.find((s) => s.name === 'prediction')?.sdl).not.toContain('confidence: Float');
    const report = checkSchemas(subgraphs, committed());
    expect(report.ok).toBe(false);
    const text = report.lines.join('\n');
    expect(text).toMatch(/│ FAIL\s+│ FIELD_REMOVED\s+│ Prediction\.confidence was removed\.\s+│/);
    expect(text).toContain('1 breaking change(s)');
    expect(text).toContain('run `npm run schema:compose`');
  });

  it('lets an added optional field through, but reports the drift until the schemas are composed again', () => {
    const subgraphs = readSubgraphs().map((s) =>
      s.name === 'models'
        ? { ...s, sdl: s.sdl.replace('  description: String!\n  inputKind', '  description: String!\n  owner: String\n  inputKind') }
        : s,
    );
    const report = checkSchemas(subgraphs, committed());
    expect(report.ok).toBe(false);
    expect(report.lines.join('\n')).not.toContain('FAIL');
    expect(report.lines.join('\n')).toContain('schema/supergraph.graphql and schema/api.graphql differ');
  });

  it('reports composition errors with their codes', () => {
    const subgraphs = readSubgraphs().map((s) =>
      s.name === 'models'
        ? {
            ...s,
            sdl: s.sdl.replace(/(type Model @key\(fields: "name"\)[^{]*\{\n {2}name: )String!/, '$1Int!'),
          }
        : s,
    );
    const report = checkSchemas(subgraphs, committed());
    expect(report.ok).toBe(false);
    expect(report.lines[0]).toBe('Composition failed:');
    expect(report.lines.join('\n')).toContain('FIELD_TYPE_MISMATCH');
  });
});
