/** Writes a benchmark's results as <dir>/<name>.json and <name>.md, and prints the table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { LoadArgs, LoadResult } from './load';

/** This machine as the results describe it. */
export function machine(): string {
  return `${process.platform} ${process.arch}, ${os.cpus().length} CPUs, node ${process.version}`;
}

/** When, where and at what load a closed-loop run was measured: the head of its summary. */
export function runInfo(args: LoadArgs): { date: string; machine: string; concurrency: number; windowSeconds: number } {
  return { date: new Date().toISOString(), machine: machine(), concurrency: args.concurrency, windowSeconds: args.windowMs / 1000 };
}

export function writeResults(dir: string, name: string, summary: Record<string, unknown>, markdown: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  const table = `${markdown.join('\n')}\n`;
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(path.join(dir, `${name}.md`), table);
  console.log(`\n${table}`);
}

/** `| name | per s | p50 | p99 | errors |` */
export function loadRow(name: string, r: LoadResult): string {
  return `| ${name} | ${r.throughput.toFixed(1)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.errors} |`;
}

export const LOAD_HEADER = ['| run | answers/s | p50 ms | p99 ms | errors |', '|---|---|---|---|---|'];

export function logLoad(name: string, r: LoadResult): void {
  console.log(`  ${name}: ${r.throughput.toFixed(1)}/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${r.errors} errors`);
}
