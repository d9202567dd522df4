/**
 * `npm run bench:batching`: 256 concurrent callers of the `predict` mutation
 * against the real prediction subgraph and inference-grpc processes, side by
 * side in one run:
 *   - batching on: DataLoader batches in the subgraph, dynamic batching in inference-grpc;
 *   - subgraph batching off: one PredictBatch call per prediction, inference-grpc still batches;
 *   - batching off: no batching anywhere (BATCH_MAX_SIZE=1 in both);
 *   - cache hit: every call answered from the prediction cache.
 * Prints throughput, p50/p99 latency and ratios; writes bench/results/batching.{json,md}.
 *
 *   npm run bench:batching -- [--concurrency 256] [--seconds 20] [--warmup-seconds 1] [--latency-ms 500]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/grpc/proto';
import { spawnService } from '../test/helpers/process';
import type { ServiceProcess } from '../test/helpers/process';
import { closedLoop, parseLoadArgs, postGraphQL } from './load';
import type { LoadResult } from './load';

const args = parseLoadArgs();
const CONCURRENCY = args.concurrency;
const WINDOW_MS = args.windowMs;
const WARMUP_MS = args.warmupMs;
const LATENCY_MS = args.latencyMs;
const MAX_BATCH = 64;

const PREDICT = 'mutation ($input: PredictInput!) { predict(input: $input) { modelVersion cache batchSize classId } }';

interface Stack {
  readonly url: string;
  stop(): Promise<void>;
}

async function startStack(subgraphBatch: number, serverBatch: number): Promise<Stack> {
  const processes: ServiceProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const p of processes.reverse()) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  };
  try {
    const inference = spawnService('inference-grpc/src/main.ts', {
      NUMERIC_LATENCY_MS: String(LATENCY_MS),
      BATCH_MAX_SIZE: String(serverBatch),
      LOAD_ALL_MODELS: 'true',
    });
    processes.push(inference);
    const { port: grpcPort } = (await inference.waitForLog('inference-grpc listening')) as { port: number };
    const subgraph = spawnService('subgraphs/prediction/src/main.ts', {
      INFERENCE_URL: `127.0.0.1:${grpcPort}`,
      BATCH_MAX_SIZE: String(subgraphBatch),
      // Unbatched, a call waits its turn behind every other: let it, rather than time out.
      INFERENCE_DEADLINE_MS: '600000',
    });
    processes.push(subgraph);
    const { port } = (await subgraph.waitForLog('prediction subgraph listening')) as { port: number };
    const url = `http://127.0.0.1:${port}/graphql`;
    for (let i = 0; i < 100 && (await fetch(url.replace('/graphql', '/ready')).then((r) => r.status, () => 0)) !== 200; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return { url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function predict(url: string, input: Record<string, unknown>, signal: AbortSignal): Promise<void> {
  return postGraphQL(url, PREDICT, { input }, signal);
}

function load(url: string, input: (w: number, i: number) => Record<string, unknown>): Promise<LoadResult> {
  return closedLoop({
    concurrency: CONCURRENCY,
    warmupMs: WARMUP_MS,
    windowMs: WINDOW_MS,
    call: (w, i, signal) => predict(url, input(w, i), signal),
  });
}

const fresh = (w: number, i: number) => ({ model: 'numeric', features: [w, i, w * 0.5 - i], cache: 'BYPASS' });

async function measure(name: string, subgraphBatch: number, serverBatch: number): Promise<{ name: string; result: LoadResult }> {
  const stack = await startStack(subgraphBatch, serverBatch);
  try {
    const result = await load(stack.url, fresh);
    console.log(`  ${name}: ${result.throughput.toFixed(1)} predictions/s, p50 ${result.p50Ms.toFixed(0)} ms, p99 ${result.p99Ms.toFixed(0)} ms, ${result.errors} errors`);
    return { name, result };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  console.log(`${CONCURRENCY} concurrent callers of predict, ${WINDOW_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up, NUMERIC_LATENCY_MS=${LATENCY_MS}`);
  const on = await measure('batching on', MAX_BATCH, MAX_BATCH);
  const serverOnly = await measure('subgraph batching off, inference-grpc batching on', 1, MAX_BATCH);
  const off = await measure('batching off', 1, 1);
  const hitStack = await startStack(MAX_BATCH, MAX_BATCH);
  let hit: { name: string; result: LoadResult };
  try {
    const input = { model: 'numeric', features: [1, 2, 3] };
    await predict(hitStack.url, input, new AbortController().signal);
    hit = { name: 'cache hit', result: await load(hitStack.url, () => input) };
    console.log(`  cache hit: ${hit.result.throughput.toFixed(1)} predictions/s`);
  } finally {
    await hitStack.stop();
  }
  const runs = [on, serverOnly, off, hit];
  const ratio = (a: LoadResult, b: LoadResult) => a.throughput / b.throughput;
  const summary = {
    date: new Date().toISOString(),
    machine: `${process.platform} ${process.arch}, node ${process.version}`,
    concurrency: CONCURRENCY,
    windowSeconds: WINDOW_MS / 1000,
    numericLatencyMs: LATENCY_MS,
    runs: runs.map((r) => ({ name: r.name, ...r.result })),
    ratios: {
      batchedOverUnbatched: ratio(on.result, off.result),
      batchedOverServerOnly: ratio(on.result, serverOnly.result),
      cacheHitOverBatched: ratio(hit.result, on.result),
    },
  };
  const table = [
    `# prediction subgraph batching (${summary.date})`,
    '',
    `${CONCURRENCY} concurrent callers of the \`predict\` mutation (numeric model, batch cost ${LATENCY_MS} ms, fresh inputs with \`cache: BYPASS\` except the cache-hit row), each sending its next call when the last answers; answers counted in ${WINDOW_MS / 1000} s after a ${WARMUP_MS / 1000} s warm-up; real inference-grpc and subgraph processes; ${summary.machine}; \`npm run bench:batching\`.`,
    '',
    '| mode | predictions/s | p50 ms | p99 ms | errors |',
    '|---|---|---|---|---|',
    ...runs.map((r) => `| ${r.name} | ${r.result.throughput.toFixed(1)} | ${r.result.p50Ms.toFixed(0)} | ${r.result.p99Ms.toFixed(0)} | ${r.result.errors} |`),
    '',
    `- batching on / batching off: **${summary.ratios.batchedOverUnbatched.toFixed(1)}×**`,
    `- batching on / subgraph batching off (inference-grpc still batching): ${summary.ratios.batchedOverServerOnly.toFixed(2)}×`,
    `- cache hit / batching on: ${summary.ratios.cacheHitOverBatched.toFixed(1)}×`,
    '',
  ].join('\n');
  const dir = path.join(PROJECT_ROOT, 'bench', 'results');
  writeFileSync(path.join(dir, 'batching.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(path.join(dir, 'batching.md'), table);
  console.log(`\n${table}`);
}

void main();
