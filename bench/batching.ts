/**
 * `npm run bench:batching`: 256 concurrent callers of the numeric `predict`
 * mutation (fresh inputs, cache BYPASS) through the supergraph of a real
 * stack (`npm start -- --built`), side by side in one run:
 *   - batching on: DataLoader batches in the subgraph, dynamic batching in inference-grpc (BATCH_MAX_SIZE=64);
 *   - batching off: no batching anywhere (BATCH_MAX_SIZE=1 in both);
 *   - batching on, straight to the prediction subgraph (what the gateway costs here).
 * Reports the on/off ratio and throughput as a fraction of the model's
 * capacity (max batch / batch latency). Writes bench/results/batching.{json,md}.
 *
 *   npm run bench:batching -- [--concurrency 256] [--seconds 10] [--warmup-seconds 1] [--latency-ms 500] [--max-batch 64]
 */
import { parseLoadArgs } from './load';
import type { LoadResult } from './load';
import { freshInput, predictLoad } from './predict';
import { LOAD_HEADER, loadRow, logLoad, runInfo, writeResults } from './report';
import { withBenchStack } from './stack';

const args = parseLoadArgs({ 'max-batch': '64' });
const MAX_BATCH = Number(args.extra['max-batch']);
/** inference-grpc's NUMERIC_ITEM_LATENCY_US default: a batch costs latency + this per item. */
const ITEM_US = 200;

const load = (url: string): Promise<LoadResult> => predictLoad(url, args, freshInput);

async function main(): Promise<void> {
  console.log(
    `${args.concurrency} concurrent callers of predict, ${args.windowMs / 1000} s measured after ${args.warmupMs / 1000} s warm-up, NUMERIC_LATENCY_MS=${args.latencyMs}`,
  );
  const env = (batch: number) => ({
    NUMERIC_LATENCY_MS: String(args.latencyMs),
    BATCH_MAX_SIZE: String(batch),
    BATCH_MAX_QUEUE: String(Math.max(1024, args.concurrency)),
  });
  const [on, direct] = await withBenchStack(env(MAX_BATCH), async (stack) => [await load(stack.gateway), await load(stack.prediction)]);
  logLoad('batching on, through the supergraph', on);
  logLoad('batching on, straight to the prediction subgraph', direct);
  const off = await withBenchStack(env(1), (stack) => load(stack.gateway));
  logLoad('batching off, through the supergraph', off);
  const capacity = MAX_BATCH / ((args.latencyMs + (MAX_BATCH * ITEM_US) / 1000) / 1000);
  const summary = {
    ...runInfo(args),
    numericLatencyMs: args.latencyMs,
    maxBatch: MAX_BATCH,
    runs: { batchingOn: on, batchingOff: off, batchingOnDirect: direct },
    capacityPerSecond: capacity,
    ratios: {
      onOverOff: on.throughput / off.throughput,
      fractionOfCapacity: on.throughput / capacity,
      gatewayOverDirect: on.throughput / direct.throughput,
    },
  };
  writeResults(args.resultsDir, 'batching', summary, [
    `# Batching through the supergraph (${summary.date})`,
    '',
    `${args.concurrency} concurrent callers of the \`predict\` mutation (numeric model, fresh inputs, \`cache: BYPASS\`), each sending its next call when the last answers; answers counted in ${summary.windowSeconds} s after a ${args.warmupMs / 1000} s warm-up; real processes (\`npm start -- --built\`); batch cost ${args.latencyMs} ms + ${ITEM_US} µs per item, BATCH_MAX_SIZE=${MAX_BATCH} (on) or 1 (off) in the subgraph and inference-grpc; ${summary.machine}; \`npm run bench:batching\`.`,
    '',
    ...LOAD_HEADER,
    loadRow('batching on, through the supergraph', on),
    loadRow('batching off, through the supergraph', off),
    loadRow('batching on, straight to the prediction subgraph', direct),
    '',
    `- batching on / off through the supergraph: **${summary.ratios.onOverOff.toFixed(1)}×**`,
    `- model capacity (max batch / batch latency): ${capacity.toFixed(1)}/s; batching on through the supergraph reaches **${(summary.ratios.fractionOfCapacity * 100).toFixed(1)}%** of it`,
    `- through the supergraph / straight to the subgraph: ${summary.ratios.gatewayOverDirect.toFixed(2)}×`,
    `- batches finish ${MAX_BATCH} answers at a time, so where the window edges fall moves a figure by up to one batch (${((MAX_BATCH / capacity / summary.windowSeconds) * 100).toFixed(1)}% here)`,
  ]);
}

void main();
