/**
 * `npm run bench:inference`: 256 concurrent callers, each sending numeric
 * Predict calls one after another, against the real inference-grpc process (its build, run from dist/)
 * with server-side batching on (BATCH_MAX_SIZE=64) and off (BATCH_MAX_SIZE=1),
 * side by side in one run. Counts the calls answered in a measured window
 * after a warm-up, and prints the throughput of each mode, their ratio, and
 * batched throughput as a fraction of the model's capacity (max batch size /
 * batch latency). Writes bench/results/inference.{json,md}.
 *
 *   npm run bench:inference -- [--concurrency 256] [--seconds 10] [--warmup-seconds 1]
 *                              [--latency-ms 500] [--item-latency-us 200] [--max-batch 64]
 */

import { Metadata } from '@grpc/grpc-js';

import { createInferenceClient } from '../lib/grpc/client';
import type { PredictResponse__Output } from '../lib/grpc/generated/infergraph/inference/v1/PredictResponse';
import { unary } from '../lib/grpc/unary';
import { metricValue } from '../stack/prometheus';
import { compileServices } from '../stack/build';
import { spawnService } from '../stack/process';
import { serviceSpec } from '../stack/topology';
import { closedLoop, parseLoadArgs } from './load';
import { machine, writeResults } from './report';

const args = parseLoadArgs({ 'item-latency-us': '200', 'max-batch': '64' });
const CONCURRENCY = args.concurrency;
const WINDOW_MS = args.windowMs;
const WARMUP_MS = args.warmupMs;
const LATENCY_MS = args.latencyMs;
const ITEM_US = Number(args.extra['item-latency-us']);
const MAX_BATCH = Number(args.extra['max-batch']);

interface Run {
  readonly mode: string;
  readonly batchMaxSize: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanBatchSize: number;
  readonly errors: number;
}

async function batchTotals(metricsPort: number): Promise<{ batches: number; items: number }> {
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const labels = { model: 'numeric', version: 'v1' };
  return {
    batches: metricValue(metrics, 'infergraph_inference_batch_size_count', labels) ?? 0,
    items: metricValue(metrics, 'infergraph_inference_batch_size_sum', labels) ?? 0,
  };
}

async function measure(mode: string, batchMaxSize: number): Promise<Run> {
  const service = spawnService(
    serviceSpec('inference').entry,
    {
      NUMERIC_LATENCY_MS: String(LATENCY_MS),
      NUMERIC_ITEM_LATENCY_US: String(ITEM_US),
      BATCH_MAX_SIZE: String(batchMaxSize),
      BATCH_MAX_QUEUE: String(CONCURRENCY),
      LOAD_ALL_MODELS: 'true',
    },
    [],
    { built: true },
  );
  try {
    const { port, metricsPort } = (await service.waitForLog(serviceSpec('inference').listening)) as { port: number; metricsPort: number };
    const client = createInferenceClient(`127.0.0.1:${port}`);
    const call = (i: number, signal: AbortSignal) =>
      unary<PredictResponse__Output>((cb) => {
        const pending = client.Predict(
          { model: 'numeric', input: { features: { values: [i, i / 2, -i] } } },
          new Metadata(),
          { deadline: Date.now() + 600_000 },
          cb,
        );
        // Calls still queued when the window closes are cancelled: the server drops them unrun.
        signal.addEventListener('abort', () => pending.cancel(), { once: true });
      });
    await call(-1, new AbortController().signal); // connect before the clock starts
    let atStart = { batches: 0, items: 0 };
    let atEnd = atStart;
    const load = await closedLoop({
      concurrency: CONCURRENCY,
      warmupMs: WARMUP_MS,
      windowMs: WINDOW_MS,
      call: (w, i, signal) => call(w * 1_000_003 + i, signal).then(() => undefined),
      mark: async (at) => {
        if (at === 'start') atStart = await batchTotals(metricsPort);
        else atEnd = await batchTotals(metricsPort);
      },
    });
    client.close();
    return {
      mode,
      batchMaxSize,
      seconds: load.seconds,
      throughput: load.throughput,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      meanBatchSize: (atEnd.items - atStart.items) / Math.max(atEnd.batches - atStart.batches, 1),
      errors: load.errors,
    };
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
  }
}

async function main(): Promise<void> {
  console.log(
    `${CONCURRENCY} concurrent callers of numeric Predict, ${WINDOW_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up, NUMERIC_LATENCY_MS=${LATENCY_MS}, NUMERIC_ITEM_LATENCY_US=${ITEM_US}`,
  );
  // Both modes run inference-grpc's build from dist/, as deployed.
  compileServices();
  const on = await measure('batching on', MAX_BATCH);
  console.log(`  batching on  (BATCH_MAX_SIZE=${MAX_BATCH}): ${on.throughput.toFixed(1)} calls/s`);
  const off = await measure('batching off', 1);
  console.log(`  batching off (BATCH_MAX_SIZE=1): ${off.throughput.toFixed(1)} calls/s`);
  const batchLatencyS = (LATENCY_MS + (MAX_BATCH * ITEM_US) / 1000) / 1000;
  const capacity = MAX_BATCH / batchLatencyS;
  const summary = {
    date: new Date().toISOString(),
    machine: machine(),
    concurrency: CONCURRENCY,
    windowSeconds: WINDOW_MS / 1000,
    warmupSeconds: WARMUP_MS / 1000,
    numericLatencyMs: LATENCY_MS,
    numericItemLatencyUs: ITEM_US,
    runs: [on, off],
    throughputRatio: on.throughput / off.throughput,
    capacityPerSecond: capacity,
    fractionOfCapacity: on.throughput / capacity,
  };
  const row = (r: Run) =>
    `| ${r.mode} | ${r.batchMaxSize} | ${r.throughput.toFixed(1)} | ${r.seconds.toFixed(2)} | ${r.p50Ms.toFixed(0)} | ${r.p99Ms.toFixed(0)} | ${r.meanBatchSize.toFixed(1)} | ${r.errors} |`;
  writeResults(args.resultsDir, 'inference', summary, [
    `# inference-grpc batching (${summary.date})`,
    '',
    `${CONCURRENCY} concurrent callers of numeric \`Predict\`, each sending its next call when the last answers; calls answered in ${WINDOW_MS / 1000} s after a ${WARMUP_MS / 1000} s warm-up; batch cost ${LATENCY_MS} ms + ${ITEM_US} µs per item; inference-grpc run from its build (dist/); ${summary.machine}; \`npm run bench:inference\`.`,
    '',
    '| mode | BATCH_MAX_SIZE | calls/s | window s | p50 ms | p99 ms | mean batch | errors |',
    '|---|---|---|---|---|---|---|---|',
    row(on),
    row(off),
    '',
    `- throughput ratio on / off: **${summary.throughputRatio.toFixed(1)}×**`,
    `- model capacity (max batch / batch latency): ${capacity.toFixed(1)} calls/s; batching on reaches **${(summary.fractionOfCapacity * 100).toFixed(1)}%** of it`,
    `- batches finish ${MAX_BATCH} answers at a time, so where the window edges fall moves a figure by up to one batch (${((batchLatencyS / (WINDOW_MS / 1000)) * 100).toFixed(1)}% here)`,
  ]);
}

void main();
