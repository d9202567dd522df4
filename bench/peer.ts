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
import { cpuWindow } from './cpu';
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
  /** Means over the rounds. */
  readonly cpu: Cpu;
}

interface Gateway {
  readonly url: string;
  /** Its process, whose CPU time is read as the window opens and closes. */
  readonly pid: number;
  /** The processes behind it: the stack's subgraphs and inference-grpc. */
  readonly backendPids: readonly number[];
}

/** CPU time per answer in a window, in ms. */
interface Cpu {
  /** The gateway's process. */
  readonly gateway: number;
  /** The subgraphs and inference-grpc together: what the gateway's fetches cost behind it. */
  readonly backend: number;
}

interface Run extends LoadResult {
  readonly cpu: Cpu;
}

/** `op` on `gateway` under load: `warmupMs`, then counted for `windowMs`. */
async function load(gateway: Gateway, op: PeerOperation, warmupMs: number, windowMs: number): Promise<Run> {
  const cpu = cpuWindow({ gateway: [gateway.pid], backend: gateway.backendPids });
  const r = await closedLoop({
    concurrency: args.concurrency,
    warmupMs,
    windowMs,
    call: (_w, _i, signal) => postGraphQL(gateway.url, op.query, op.variables(), signal),
    mark: cpu.mark,
  });
  return { ...r, cpu: cpu.perAnswer(r.answered) };
}

/**
 * Every operation once on every gateway, unmeasured: primes the prediction
 * cache for the cache-hit rows, fails the bench at once if a gateway cannot
 * answer, and lets each process compile its hot paths before any is measured.
 */
async function warmUp(gateways: readonly Gateway[]): Promise<void> {
  for (const op of PEER_OPERATIONS) {
    for (const gateway of gateways) {
      await postGraphQL(gateway.url, op.query, op.variables(), new AbortController().signal);
      await load(gateway, op, 0, args.warmupMs);
    }
  }
}

/** One round: each operation on each gateway, in `order`. */
async function round(gateways: readonly Gateway[], order: readonly number[], runs: Map<string, Run[]>): Promise<void> {
  for (const op of PEER_OPERATIONS) {
    for (const g of order) {
      const gateway = gateways[g];
      if (gateway === undefined) continue;
      const r = await load(gateway, op, args.warmupMs, args.windowMs);
      logLoad(`${GATEWAYS[g]}, ${op.name}`, r);
      console.log(`    CPU per answer: ${r.cpu.gateway.toFixed(2)} ms in the gateway, ${r.cpu.backend.toFixed(2)} ms behind it`);
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
        const backendPids = ['prediction', 'models', 'inference'].map((label) => stack.cluster.pid(label));
        const gateways = [{ url: stack.gateway, pid: stack.cluster.pid('supergraph') }, js, router].map((g) => ({ ...g, backendPids }));
        const forward = gateways.map((_u, g) => g);
        const runs = new Map<string, Run[]>();
        await warmUp(gateways);
        for (let r = 0; r < ROUNDS; r += 1) await round(gateways, r % 2 === 0 ? forward : [...forward].reverse(), runs);
        return PEER_OPERATIONS.flatMap((op) =>
          GATEWAYS.map((gateway, g) => {
            const measured = runs.get(`${op.name}|${g}`) ?? [];
            const mean = (f: (c: Cpu) => number): number => measured.reduce((sum, r) => sum + f(r.cpu), 0) / measured.length;
            return {
              operation: op.name,
              gateway,
              result: meanResult(measured),
              cpu: { gateway: mean((c) => c.gateway), backend: mean((c) => c.backend) },
            };
          }),
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
    `The same schema/supergraph.graphql served by three gateways in front of the same prediction and models subgraph processes (\`npm start -- --built\`): ours; ${HIVE} (\`@graphql-hive/gateway\`, its CLI) as shipped, with its JavaScript runtime; and the same CLI with Hive Router's runtime (\`@graphql-hive/router-runtime\` ${hiveVersion('router-runtime')}, \`unifiedGraphHandler\` in its gateway.config). Both Hive runtimes run with their defaults (deduplication of in-flight subgraph queries on, log level info, no rate limit: Hive has none unless configured); ours as shipped by \`npm start -- --built\` (auth, limits, logging at info and metrics plugins on; no API_KEYS, so auth lets every caller through; SUBGRAPH_DEDUPLICATION on) but for its rate limit, off (RATE_LIMIT_PER_MINUTE=0). ${args.concurrency} concurrent callers of one operation, each sending its next call when the last answers; ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up per run, one gateway at a time after an unmeasured pass of ${args.warmupMs / 1000} s over every operation and gateway, ${ROUNDS} round(s) in alternating order averaged; numeric model batch cost NUMERIC_LATENCY_MS=${args.latencyMs}; ${summary.machine}; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after; \`npm run bench:peer\`. The last two columns are the CPU time per answer in the window (from /proc) of the gateway's own process and of the processes behind it (both subgraphs and inference-grpc, shared by the three gateways): figures other work on the machine moves less than throughput.`,
    '',
    `${LOAD_HEADER[0] ?? ''} CPU ms / answer: gateway | behind it |`,
    `${LOAD_HEADER[1] ?? ''}---|---|`,
    ...rows.map((r) => `${loadRow(`${r.operation}: ${r.gateway}`, r.result)} ${r.cpu.gateway.toFixed(2)} | ${r.cpu.backend.toFixed(2)} |`),
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
