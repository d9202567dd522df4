/**
 * The benchmarks run, with tiny windows, so they cannot rot: bench:gateway
 * (the shared load, stack and report code every load bench uses),
 * bench:subscriptions and bench:sentiment, each as `npm run` would run it,
 * writing their results to a temporary directory. The other benches are covered by typecheck and lint.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/paths';
import { harnessConfig } from '../stack/config';

/** `timeoutMs` kills the bench (its stack left running): keep it under the jest test's own timeout. */
function runBench(name: string, args: readonly string[], dir: string, timeoutMs = 90_000): Record<string, unknown> {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', `${name}.ts`), ...args, '--results-dir', dir],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: harnessConfig().path },
      encoding: 'utf8',
      timeout: timeoutMs,
    },
  );
  if (run.status !== 0) throw new Error(`bench:${name} exited with ${run.status ?? run.signal}: ${run.stderr}`);
  expect(readFileSync(path.join(dir, `${name}.md`), 'utf8')).toContain(`npm run bench:${name}`);
  return JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

describe('benchmarks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'infergraph-bench-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bench:gateway measures cache hits through the supergraph, through a bare forwarder and straight to the subgraph, with the CPU each answer costs', () => {
    // The slowest bench here: a compile, a stack, a forwarder and six load runs.
    const summary = runBench(
      'gateway',
      ['--seconds', '1', '--warmup-seconds', '0.5', '--concurrency', '4', '--rounds', '1'],
      dir,
      170_000,
    ) as {
      runs: Record<'gateway' | 'forwarded' | 'direct', { answered: number; errors: number; frontCpuMs: number; subgraphCpuMs: number }>;
      ratios: { gatewayOverDirect: number; forwarderOverDirect: number };
    };
    for (const run of Object.values(summary.runs)) {
      expect(run).toMatchObject({ errors: 0 });
      expect(run.answered).toBeGreaterThan(0);
      // Read from /proc in 10 ms ticks: a short window on a loaded machine may see none, never a missing figure.
      for (const cpu of [run.frontCpuMs, run.subgraphCpuMs]) expect(cpu).toBeGreaterThanOrEqual(0);
    }
    // Hundreds of answers at about half a millisecond each: far more than one tick.
    expect(summary.runs.gateway.frontCpuMs + summary.runs.gateway.subgraphCpuMs).toBeGreaterThan(0);
    expect(summary.ratios.gatewayOverDirect).toBeGreaterThan(0);
    expect(summary.ratios.forwarderOverDirect).toBeGreaterThan(0);
  }, 180_000);

  it('bench:subscriptions delivers every event to every subscriber', () => {
    const summary = runBench('subscriptions', ['--subscribers', '10', '--events', '2'], dir) as {
      deliveries: number;
      mutationToEventMs: { p50: number };
    };
    expect(summary.deliveries).toBe(20);
    expect(summary.mutationToEventMs.p50).toBeGreaterThan(0);
  }, 120_000);

  it('bench:sentiment times every sentiment version on every sentence, side by side', () => {
    const summary = runBench('sentiment', ['--seconds', '0.1', '--warmup-seconds', '0'], dir) as {
      sentencesPerPass: number;
      timings: Record<string, { sentences: number; p99Us: number }>;
    };
    expect(summary.sentencesPerPass).toBe(3000);
    expect(Object.keys(summary.timings)).toEqual(['v1', 'v2', 'v3']);
    for (const t of Object.values(summary.timings)) {
      expect(t.sentences).toBeGreaterThanOrEqual(3000);
      expect(t.p99Us).toBeGreaterThan(0);
    }
  }, 120_000);
});
