/**
 * `npm run bench`: every benchmark in sequence, each as its own process
 * writing bench/results/<name>.{json,md}. Options every bench takes
 * (--seconds, --warmup-seconds, --results-dir) are passed to each; stops at
 * the first that fails.
 *
 *   npm run bench -- [--seconds 10] [--warmup-seconds 1] [--results-dir bench/results]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/paths';
import { parseLoadArgs } from './load';

export const BENCHES = [
  'inference',
  'batching',
  'gateway',
  'peer',
  'baseline',
  'cache',
  'models',
  'subscriptions',
  'replicas',
  'ws-payload',
  'unauthenticated',
  'sentiment',
  'stats',
] as const;

const args = parseLoadArgs();
const forwarded = [
  '--seconds',
  String(args.windowMs / 1000),
  '--warmup-seconds',
  String(args.warmupMs / 1000),
  '--results-dir',
  args.resultsDir,
];
const started = Date.now();
for (const name of BENCHES) {
  console.log(`\n=== bench:${name} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', `${name}.ts`), ...forwarded], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`bench:${name} failed (exit ${run.status ?? run.signal})`);
    process.exit(1);
  }
}
console.log(`\nevery benchmark ran in ${((Date.now() - started) / 1000).toFixed(0)} s; results in ${args.resultsDir}`);
