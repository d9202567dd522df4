/**
 * `npm run bench:stats`: what per-version statistics cost on the engine's hot path, in process. Each answered input
 * records into its version's statistics (ModelStatistics.answered, and batchRan once per batch); the same input is
 * already recorded into Prometheus (a labelled counter and histogram, as InferenceMetrics.answered does), which is
 * the yardstick. Times a loop of inputs of five versions in batches of 8 for each, in turns, then one
 * ModelStatistics read of the five versions. Writes bench/results/stats.{json,md}.
 *
 *   npm run bench:stats -- [--seconds 10] [--warmup-seconds 1]
 */
import { Counter, Histogram, Registry } from 'prom-client';

import { ModelStatistics } from '../inference-grpc/src/index';
import { parseLoadArgs } from './load';
import { machine, writeResults } from './report';

const VERSIONS = [
  ['sentiment', 'v1'],
  ['sentiment', 'v2'],
  ['sentiment', 'v3'],
  ['numeric', 'v1'],
  ['numeric', 'v2'],
] as const;
const BATCH = 8;
const INPUTS_PER_ROUND = 10_000;

/** Nanoseconds per input of `record` over the window, in rounds of INPUTS_PER_ROUND. */
function time(windowMs: number, record: (i: number) => void): number {
  let inputs = 0;
  const end = performance.now() + windowMs;
  const started = process.hrtime.bigint();
  do {
    for (let i = 0; i < INPUTS_PER_ROUND; i++) record(inputs + i);
    inputs += INPUTS_PER_ROUND;
  } while (performance.now() < end);
  return Number(process.hrtime.bigint() - started) / inputs;
}

function main(): void {
  const args = parseLoadArgs();
  const stats = new ModelStatistics({ windowSeconds: 60, known: () => true });
  const recordStats = (i: number): void => {
    const [model, version] = VERSIONS[i % VERSIONS.length] ?? VERSIONS[0];
    stats.answered(model, version, i % 100 !== 0, (i % 977) / 10);
    if (i % BATCH === 0) stats.batchRan(model, version, BATCH);
  };
  const registry = new Registry();
  const requests = new Counter({ name: 'inputs_total', help: 'inputs', labelNames: ['model', 'version', 'code'], registers: [registry] });
  const latency = new Histogram({
    name: 'latency_seconds',
    help: 'latency',
    labelNames: ['model', 'version'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const recordPrometheus = (i: number): void => {
    const [model, version] = VERSIONS[i % VERSIONS.length] ?? VERSIONS[0];
    requests.inc({ model, version, code: 'OK' });
    latency.observe({ model, version }, (i % 977) / 10_000);
  };

  time(args.warmupMs, recordStats);
  time(args.warmupMs, recordPrometheus);
  const statsNs = time(args.windowMs / 2, recordStats);
  const prometheusNs = time(args.windowMs / 2, recordPrometheus);
  const reads = 200;
  const readStarted = process.hrtime.bigint();
  for (let r = 0; r < reads; r++) for (const [model, version] of VERSIONS) stats.window(model, version, undefined);
  const readUs = Number(process.hrtime.bigint() - readStarted) / reads / 1000;

  const summary = {
    date: new Date().toISOString(),
    machine: machine(),
    windowSeconds: args.windowMs / 1000,
    statsNsPerInput: statsNs,
    prometheusNsPerInput: prometheusNs,
    statsOverPrometheus: statsNs / prometheusNs,
    readOfFiveVersionsUs: readUs,
  };
  writeResults(args.resultsDir, 'stats', summary, [
    `Per-version statistics on the engine's hot path, in process (\`npm run bench:stats\`); ${machine()}.`,
    '',
    '| recording one answered input | ns per input |',
    '|---|---|',
    `| ModelStatistics (windowed counters, latency histogram, totals; a batch of ${BATCH} once per ${BATCH} inputs) | ${statsNs.toFixed(0)} |`,
    `| Prometheus counter + histogram with labels (already on the path, for scale) | ${prometheusNs.toFixed(0)} |`,
    '',
    `Statistics cost ${(statsNs / prometheusNs).toFixed(2)}× what the Prometheus recording of the same input costs. A ModelStatistics read of ${VERSIONS.length} versions (60 one-second buckets each, merged): ${readUs.toFixed(0)} µs.`,
  ]);
}

main();
