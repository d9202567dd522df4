/**
 * `npm run bench:replicas`: the same closed-loop load through the supergraph
 * against 1 and then 2 replicas of every service (npm start -- --built --replicas N,
 * sharing Redis), side by side in one run:
 *   - model-bound: fresh numeric predictions (cache BYPASS); each inference
 *     replica runs one batch of at most --batch inputs per NUMERIC_LATENCY_MS,
 *     as an accelerator would, so capacity grows with inference replicas;
 *   - cache hit: the same prediction again and again, answered from the shared
 *     Redis cache: gateway and subgraph CPU only.
 * With 2 replicas the callers are split evenly over the two gateways.
 * Prints throughput, p50/p99 and the ratios; writes bench/results/replicas.{json,md}.
 *
 *   npm run bench:replicas -- [--concurrency 64] [--seconds 10] [--warmup-seconds 2] [--latency-ms 500] [--batch 16]
 */
import os from 'node:os';

import { startCluster } from '../stack/cluster';
import { deletePrefix, freshPrefix, redisUrl } from '../stack/redis';
import { closedLoop, parseLoadArgs, postGraphQL } from './load';
import type { LoadResult } from './load';
import { runInfo, writeResults } from './report';

const args = parseLoadArgs({ concurrency: '64', seconds: '10', 'warmup-seconds': '2', batch: '16' });
const BATCH = Number(args.extra.batch);
const PREDICT = 'mutation ($input: PredictInput!) { predict(input: $input) { modelVersion cache classId } }';

interface Run {
  readonly replicas: number;
  readonly modelBound: LoadResult;
  readonly cacheHit: LoadResult;
}

async function measure(replicas: number): Promise<Run> {
  const prefix = freshPrefix();
  const cluster = await startCluster(
    replicas,
    {
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: prefix,
      NUMERIC_LATENCY_MS: String(args.latencyMs),
      BATCH_MAX_SIZE: String(BATCH),
      LOAD_ALL_MODELS: 'true',
      RATE_LIMIT_PER_MINUTE: '0',
      // Queued calls wait their turn rather than time out: the bench counts throughput.
      INFERENCE_DEADLINE_MS: '600000',
      SUBGRAPH_TIMEOUT_MS: '600000',
    },
    { built: 'once' },
  );
  try {
    const gateways =
      replicas === 1 ? [cluster.url('supergraph')] : Array.from({ length: replicas }, (_, r) => cluster.url(`supergraph-${r + 1}`));
    const load = (input: (w: number, i: number) => Record<string, unknown>): Promise<LoadResult> =>
      closedLoop({
        concurrency: args.concurrency,
        warmupMs: args.warmupMs,
        windowMs: args.windowMs,
        call: (w, i, signal) => postGraphQL(gateways[w % gateways.length] ?? '', PREDICT, { input: input(w, i) }, signal),
      });
    const modelBound = await load((w, i) => ({ model: 'numeric', features: [w, i, replicas], cache: 'BYPASS' }));
    const hit = { model: 'sentiment', text: 'the same words every time' };
    const cacheHit = await load(() => hit);
    for (const [name, r] of Object.entries({ 'model-bound': modelBound, 'cache hit': cacheHit })) {
      console.log(
        `  ${replicas} replica(s), ${name}: ${r.throughput.toFixed(1)} predictions/s, p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms, ${r.errors} errors`,
      );
    }
    return { replicas, modelBound, cacheHit };
  } finally {
    await cluster.stop();
    await deletePrefix(prefix);
  }
}

async function main(): Promise<void> {
  const capacity = (BATCH / args.latencyMs) * 1000;
  console.log(
    `${args.concurrency} closed-loop callers through the supergraph, ${args.windowMs / 1000} s measured after ${args.warmupMs / 1000} s warm-up; ` +
      `NUMERIC_LATENCY_MS=${args.latencyMs}, BATCH_MAX_SIZE=${BATCH} (model capacity ${capacity.toFixed(0)}/s per inference replica)`,
  );
  const one = await measure(1);
  const two = await measure(2);
  const summary = {
    ...runInfo(args),
    numericLatencyMs: args.latencyMs,
    batchMaxSize: BATCH,
    runs: [one, two],
    ratios: {
      modelBound: two.modelBound.throughput / one.modelBound.throughput,
      cacheHit: two.cacheHit.throughput / one.cacheHit.throughput,
    },
  };
  const row = (name: string, r: LoadResult, replicas: number): string =>
    `| ${name} | ${replicas} | ${r.throughput.toFixed(1)} | ${r.p50Ms.toFixed(0)} | ${r.p99Ms.toFixed(0)} | ${r.errors} |`;
  writeResults(args.resultsDir, 'replicas', summary, [
    `# 1 vs 2 replicas of every service (${summary.date})`,
    '',
    `${args.concurrency} closed-loop callers of \`predict\` through the supergraph (split evenly over the gateways), ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up; \`npm start -- --built --replicas N\` processes sharing Redis; NUMERIC_LATENCY_MS=${args.latencyMs}, BATCH_MAX_SIZE=${BATCH} (model capacity ${capacity.toFixed(0)}/s per inference replica); ${summary.machine}; \`npm run bench:replicas\`.`,
    '',
    '| load | replicas of each service | predictions/s | p50 ms | p99 ms | errors |',
    '|---|---|---|---|---|---|',
    row('model-bound (numeric, cache BYPASS)', one.modelBound, 1),
    row('model-bound (numeric, cache BYPASS)', two.modelBound, 2),
    row('cache hit (shared Redis)', one.cacheHit, 1),
    row('cache hit (shared Redis)', two.cacheHit, 2),
    '',
    `- model-bound, 2 / 1 replicas: **${summary.ratios.modelBound.toFixed(2)}×** (capacity ${(2 * capacity).toFixed(0)}/s vs ${capacity.toFixed(0)}/s)`,
    `- cache hit, 2 / 1 replicas: **${summary.ratios.cacheHit.toFixed(2)}×** (CPU-bound: all 8 processes share this machine's ${os.cpus().length} CPUs)`,
  ]);
}

void main();
