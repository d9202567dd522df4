/**
 * The shape of the source tree, held by a test rather than by memory: no
 * import circle anywhere (type-only imports count: they tie modules together
 * just the same for a reader), and no file past 300 lines outside generated code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import ts from 'typescript';

import { PROJECT_ROOT } from '../../lib/paths';

const MAX_LINES = 300;
const GENERATED = ['lib/grpc/generated/', 'clients/generated/'];

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && existsSync(path.join(PROJECT_ROOT, f)));
}

const isCode = (file: string): boolean => /\.(ts|tsx|mts|js|mjs)$/.test(file);
const isGenerated = (file: string): boolean => GENERATED.some((g) => file.startsWith(g));

/** The project files `file` imports by relative path. */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec.replace(/\?.*$/, ''))))
    .map((base) => [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((candidate) => known.has(candidate)))
    .filter((target): target is string => target !== undefined);
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the source tree', () => {
  const files = trackedFiles();

  it('has no import circle', () => {
    const code = files.filter((f) => /\.(ts|tsx|mts)$/.test(f) && !isGenerated(f));
    const known = new Set(code);
    const graph = new Map(code.map((f) => [f, importsOf(f, known)]));
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(graph)).toEqual([]);
  });

  it(`has no source file past ${MAX_LINES} lines outside generated code`, () => {
    const long = files
      .filter((f) => (isCode(f) || f.endsWith('.proto')) && !isGenerated(f))
      .map((f) => ({ file: f, lines: readFileSync(path.join(PROJECT_ROOT, f), 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
