/**
 * `npm run bench:peer`: our supergraph against Hive Gateway
 * (@graphql-hive/gateway, bench/peer/hive.ts) with each of its runtimes, its
 * default JavaScript one and Hive Router's (@graphql-hive/router-runtime), all
 * three serving the same schema/supergraph.graphql in front of the same
 * subgraph processes, with the same operations (bench/peer/operations.ts) at
 * the same load, side by side in one run. After one unmeasured pass over
 * every operation and gateway, each operation is measured on each gateway
 * alone, one after the other, in the opposite order the next round
 * (--rounds), so drift on a shared machine favours none. Fresh `predict`s
 * bypass the prediction cache and run the numeric model, whose batch costs
 * --latency-ms (NUMERIC_LATENCY_MS, 1 ms by default so the gateways stay the
 * bottleneck). Writes bench/results/peer.{json,md}.
 *
 *   npm run bench:peer -- [--concurrency 64] [--seconds 8] [--warmup-seconds 1] [--rounds 2] [--latency-ms 1]
 */
import os from 'node:os';

import { closedLoop, meanResult, parseLoadArgs, postGraphQL } from './load';
import type { LoadResult } from './load';
import { PEER_OPERATIONS } from './peer/operations';
import type { PeerOperation } from './peer/operations';
import { hiveVersion, startHiveGateway } from './peer/hive';
import { LOAD_HEADER, loadRow, logLoad, runInfo, writeResults } from './report';
import { withBenchStack } from './stack';

const args = parseLoadArgs({ concurrency: '64', seconds: '8', rounds: '2', 'latency-ms': '1' });
const ROUNDS = Number(args.extra.rounds);
const HIVE = `Hive Gateway ${hiveVersion('gateway')}`;
const GATEWAYS = [
  'InferGraph supergraph (Apollo Gateway 2.14.4)',
  `${HIVE}, JS runtime`,
  `${HIVE}, router runtime ${hiveVersion('router-runtime')}`,
] as const;

interface Row {
  readonly operation: string;
  readonly gateway: string;
  readonly result: LoadResult;
}

/** `op` at `url` under load: `warmupMs`, then counted for `windowMs`. */
function load(url: string, op: PeerOperation, warmupMs: number, windowMs: number): Promise<LoadResult> {
  return closedLoop({
    concurrency: args.concurrency,
    warmupMs,
    windowMs,
    call: (_w, _i, signal) => postGraphQL(url, op.query, op.variables(), signal),
  });
}

/**
 * Every operation once on every gateway, unmeasured: primes the prediction
 * cache for the cache-hit rows, fails the bench at once if a gateway cannot
 * answer, and lets each process compile its hot paths before any is measured.
 */
async function warmUp(urls: readonly string[]): Promise<void> {
  for (const op of PEER_OPERATIONS) {
    for (const url of urls) {
      await postGraphQL(url, op.query, op.variables(), new AbortController().signal);
      await load(url, op, 0, args.warmupMs);
    }
  }
}

/** One round: each operation on each gateway, in `order`. */
async function round(urls: readonly string[], order: readonly number[], runs: Map<string, LoadResult[]>): Promise<void> {
  for (const op of PEER_OPERATIONS) {
    for (const g of order) {
      const r = await load(urls[g] ?? '', op, args.warmupMs, args.windowMs);
      logLoad(`${GATEWAYS[g]}, ${op.name}`, r);
      const key = `${op.name}|${g}`;
      runs.set(key, [...(runs.get(key) ?? []), r]);
    }
  }
}

async function measure(): Promise<Row[]> {
  return withBenchStack({ NUMERIC_LATENCY_MS: String(args.latencyMs) }, async (stack) => {
    const subgraphs = { prediction: stack.prediction, models: stack.models };
    const js = await startHiveGateway(subgraphs, 'js');
    try {
      const router = await startHiveGateway(subgraphs, 'router');
      try {
        const urls = [stack.gateway, js.url, router.url];
        const forward = urls.map((_u, g) => g);
        const runs = new Map<string, LoadResult[]>();
        await warmUp(urls);
        for (let r = 0; r < ROUNDS; r += 1) await round(urls, r % 2 === 0 ? forward : [...forward].reverse(), runs);
        return PEER_OPERATIONS.flatMap((op) =>
          GATEWAYS.map((gateway, g) => ({ operation: op.name, gateway, result: meanResult(runs.get(`${op.name}|${g}`) ?? []) })),
        );
      } finally {
        await router.stop();
      }
    } finally {
      await js.stop();
    }
  });
}

async function main(): Promise<void> {
  console.log(
    `${args.concurrency} concurrent callers, ${args.windowMs / 1000} s measured after ${args.warmupMs / 1000} s warm-up, ${ROUNDS} round(s), NUMERIC_LATENCY_MS=${args.latencyMs}`,
  );
  const loadBefore = os.loadavg()[0] ?? 0;
  const rows = await measure();
  const loadAfter = os.loadavg()[0] ?? 0;
  const throughput = (operation: string, g: number): number =>
    rows.find((r) => r.operation === operation && r.gateway === GATEWAYS[g])?.result.throughput ?? Number.NaN;
  const ratios = PEER_OPERATIONS.map((op) => ({
    operation: op.name,
    oursOverHiveJs: throughput(op.name, 0) / throughput(op.name, 1),
    oursOverHiveRouter: throughput(op.name, 0) / throughput(op.name, 2),
  }));
  const summary = {
    ...runInfo(args),
    rounds: ROUNDS,
    numericLatencyMs: args.latencyMs,
    loadAverage: { before: loadBefore, after: loadAfter },
    gateways: GATEWAYS,
    rows,
    ratios,
  };
  const x = (ratio: number): string => `**${ratio.toFixed(2)}×**${ratio < 1 ? ' (short of 1.0×)' : ''}`;
  writeResults(args.resultsDir, 'peer', summary, [
    `# InferGraph supergraph vs Hive Gateway (${summary.date})`,
    '',
    `The same schema/supergraph.graphql served by three gateways in front of the same prediction and models subgraph processes (\`npm start\`): ours; ${HIVE} (\`@graphql-hive/gateway\`, its CLI) as shipped, with its JavaScript runtime; and the same CLI with Hive Router's runtime (\`@graphql-hive/router-runtime\` ${hiveVersion('router-runtime')}, \`unifiedGraphHandler\` in its gateway.config). Both Hive runtimes run with their defaults (deduplication of in-flight subgraph queries on, log level info, no rate limit: Hive has none unless configured); ours as shipped by \`npm start\` (auth, limits, logging at info and metrics plugins on; no API_KEYS, so auth lets every caller through; SUBGRAPH_DEDUPLICATION on) but for its rate limit, off (RATE_LIMIT_PER_MINUTE=0). ${args.concurrency} concurrent callers of one operation, each sending its next call when the last answers; ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up per run, one gateway at a time after an unmeasured pass of ${args.warmupMs / 1000} s over every operation and gateway, ${ROUNDS} round(s) in alternating order averaged; numeric model batch cost NUMERIC_LATENCY_MS=${args.latencyMs}; ${summary.machine}; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after; \`npm run bench:peer\`.`,
    '',
    ...LOAD_HEADER,
    ...rows.map((r) => loadRow(`${r.operation}: ${r.gateway}`, r.result)),
    '',
    ...ratios.map(
      (r) => `- ${r.operation}: ours / Hive JS runtime ${x(r.oursOverHiveJs)}, ours / Hive router runtime ${x(r.oursOverHiveRouter)}`,
    ),
    '',
    'Operations:',
    '',
    ...PEER_OPERATIONS.map((op) => `- ${op.name}: ${op.note}.`),
  ]);
}

void main();
