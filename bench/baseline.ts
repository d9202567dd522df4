/**
 * `npm run bench:baseline`: ours against the original design at the same
 * load. The baseline (bench/baseline/server.ts) answers each REST POST with
 * one gRPC Predict to its own inference-grpc, which runs each input alone
 * (BATCH_MAX_SIZE=1): no batching, no cache. Ours is the whole stack
 * (`npm start -- --built`) through the supergraph, batching on, measured twice:
 * fresh inputs with `cache: BYPASS` (batching alone), and the same input
 * again and again (answered from the cache). Same concurrency, same model
 * cost, one run. Writes bench/results/baseline.{json,md}.
 *
 *   npm run bench:baseline -- [--concurrency 256] [--seconds 10] [--warmup-seconds 1] [--latency-ms 500]
 */
import { compileServices } from '../stack/build';
import { spawnService } from '../stack/process';
import { serviceSpec } from '../stack/topology';
import { closedLoop, parseLoadArgs } from './load';
import type { LoadResult } from './load';
import { cacheHitLoad, freshInput, predictLoad } from './predict';
import { LOAD_HEADER, loadRow, logLoad, runInfo, writeResults } from './report';
import { withBenchStack } from './stack';

const args = parseLoadArgs();

async function post(url: string, body: unknown, signal: AbortSignal): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
}

async function baseline(): Promise<LoadResult> {
  // Built, as inference-grpc runs in our stack (bench/stack.ts): the comparison is of designs, not of tsx.
  compileServices();
  const inference = spawnService(
    serviceSpec('inference').entry,
    { NUMERIC_LATENCY_MS: String(args.latencyMs), BATCH_MAX_SIZE: '1', LOAD_ALL_MODELS: 'true' },
    [],
    { built: true },
  );
  const rest = { current: undefined as ReturnType<typeof spawnService> | undefined };
  try {
    const { port: grpcPort } = (await inference.waitForLog(serviceSpec('inference').listening)) as { port: number };
    rest.current = spawnService('bench/baseline/server.ts', {}, ['--inference', `127.0.0.1:${grpcPort}`]);
    const { port } = (await rest.current.waitForLog('baseline listening')) as { port: number };
    const url = `http://127.0.0.1:${port}/predict`;
    return await closedLoop({
      concurrency: args.concurrency,
      warmupMs: args.warmupMs,
      windowMs: args.windowMs,
      call: (w, i, signal) => post(url, { model: 'numeric', features: [w, i, w * 0.5 - i] }, signal),
    });
  } finally {
    for (const p of [rest.current, inference]) {
      if (!p) continue;
      p.child.kill('SIGTERM');
      await p.exited;
    }
  }
}

async function main(): Promise<void> {
  console.log(
    `${args.concurrency} concurrent callers, ${args.windowMs / 1000} s measured after ${args.warmupMs / 1000} s warm-up, NUMERIC_LATENCY_MS=${args.latencyMs}`,
  );
  const base = await baseline();
  logLoad('baseline: REST, one gRPC Predict per call', base);
  const ours = await withBenchStack(
    { NUMERIC_LATENCY_MS: String(args.latencyMs), BATCH_MAX_QUEUE: String(Math.max(1024, args.concurrency)) },
    async (stack) => {
      const fresh = await predictLoad(stack.gateway, args, freshInput);
      logLoad('ours, fresh inputs (cache BYPASS)', fresh);
      const hit = await cacheHitLoad(stack.gateway, args);
      logLoad('ours, cache hit', hit);
      return { fresh, hit };
    },
  );
  const summary = {
    ...runInfo(args),
    numericLatencyMs: args.latencyMs,
    runs: { baseline: base, oursFresh: ours.fresh, oursCacheHit: ours.hit },
    ratios: { freshOverBaseline: ours.fresh.throughput / base.throughput, cacheHitOverBaseline: ours.hit.throughput / base.throughput },
  };
  writeResults(args.resultsDir, 'baseline', summary, [
    `# Ours vs the original design (${summary.date})`,
    '',
    `${args.concurrency} concurrent callers of one numeric prediction each (batch cost ${args.latencyMs} ms), each sending its next call when the last answers; ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up. Baseline: bench/baseline/server.ts, REST POST /predict → one gRPC Predict → inference-grpc (its build, as ours) with BATCH_MAX_SIZE=1 (no batching, no cache). Ours: \`predict\` through the supergraph of \`npm start -- --built\` (batching on, BATCH_MAX_SIZE=64), with fresh inputs and \`cache: BYPASS\`, then with one input asked again and again (cache hit); ${summary.machine}; \`npm run bench:baseline\`.`,
    '',
    ...LOAD_HEADER,
    loadRow('baseline: REST, one gRPC Predict per call, no batching, no cache', base),
    loadRow('ours: supergraph, batching, fresh inputs (cache BYPASS)', ours.fresh),
    loadRow('ours: supergraph, cache hit', ours.hit),
    '',
    `- ours with batching alone (cache BYPASS) / baseline: **${summary.ratios.freshOverBaseline.toFixed(1)}×**`,
    `- ours answering from the cache / baseline: ${summary.ratios.cacheHitOverBaseline.toFixed(0)}× (only where inputs repeat)`,
  ]);
}

void main();
