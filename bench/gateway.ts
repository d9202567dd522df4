/**
 * `npm run bench:gateway`: what the supergraph costs. The same cache-hit
 * `predict` (answered from the prediction subgraph's memory cache, so no
 * model runs) at the same concurrency, side by side in one run, one after the
 * other and again (--rounds), averaged, on three paths to the prediction
 * subgraph of one stack:
 *   - through the supergraph;
 *   - through a bare Node forwarder (bench/forwarder.ts: node:http in and out,
 *     no GraphQL), the floor under any gateway written for Node;
 *   - straight to the subgraph.
 * Beside throughput, the CPU time per answer (/proc) of the process in front
 * (supergraph or forwarder) and of the prediction subgraph: figures other work
 * on a shared machine moves less than throughput, and which say how much of
 * the supergraph's cost is GraphQL work and how much is Node's HTTP.
 * Every path is first run once unmeasured (as long as a round), so that none
 * is measured cold: the first measured round otherwise caught the supergraph
 * still compiling its hot path and the subgraph cold, while the direct run
 * after it found the subgraph warmed by the gateway's round.
 * Writes bench/results/gateway.{json,md}.
 *
 *   npm run bench:gateway -- [--concurrency 64] [--seconds 10] [--warmup-seconds 1] [--rounds 2]
 */
import { spawnService } from '../stack/process';
import { cpuWindow } from './cpu';
import { meanResult, parseLoadArgs } from './load';
import type { LoadResult } from './load';
import { cacheHitLoad } from './predict';
import { machine, runInfo, writeResults } from './report';
import { withBenchStack } from './stack';

const args = parseLoadArgs({ concurrency: '64', rounds: '2' });
const ROUNDS = Number(args.extra.rounds);

interface Path {
  readonly name: string;
  readonly url: string;
  /** The process in front of the subgraph, if any. */
  readonly frontPid?: number;
}

interface Run extends LoadResult {
  /** CPU ms per answer of the process in front (0 straight to the subgraph) and of the prediction subgraph. */
  readonly frontCpuMs: number;
  readonly subgraphCpuMs: number;
}

async function measure(path: Path, subgraphPid: number): Promise<Run> {
  const cpu = cpuWindow({ front: path.frontPid === undefined ? [] : [path.frontPid], subgraph: [subgraphPid] });
  const r = await cacheHitLoad(path.url, args, cpu.mark);
  const { front, subgraph } = cpu.perAnswer(r.answered);
  const run = { ...r, frontCpuMs: front, subgraphCpuMs: subgraph };
  console.log(
    `  ${path.name}: ${r.throughput.toFixed(1)}/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${r.errors} errors; CPU per answer ${run.frontCpuMs.toFixed(3)} ms in front, ${run.subgraphCpuMs.toFixed(3)} ms in the subgraph`,
  );
  return run;
}

function mean(runs: readonly Run[]): Run {
  const avg = (f: (r: Run) => number): number => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  return { ...meanResult(runs), frontCpuMs: avg((r) => r.frontCpuMs), subgraphCpuMs: avg((r) => r.subgraphCpuMs) };
}

const row = (name: string, r: Run): string =>
  `| ${name} | ${r.throughput.toFixed(1)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.errors} | ${r.frontCpuMs.toFixed(3)} | ${r.subgraphCpuMs.toFixed(3)} |`;

async function main(): Promise<void> {
  console.log(
    `${args.concurrency} concurrent callers of a cache-hit predict, ${args.windowMs / 1000} s measured after ${args.warmupMs / 1000} s warm-up`,
  );
  const runs = await withBenchStack({}, async (stack) => {
    const forwarder = spawnService('bench/forwarder.ts', {}, [stack.prediction]);
    try {
      const { port } = await forwarder.waitForLog('forwarder listening');
      const paths: readonly Path[] = [
        { name: 'through the supergraph', url: stack.gateway, frontPid: stack.cluster.pid('supergraph') },
        { name: 'through a bare Node forwarder', url: `http://127.0.0.1:${String(port)}/graphql`, frontPid: forwarder.child.pid },
        { name: 'straight to the prediction subgraph', url: stack.prediction },
      ];
      const subgraph = stack.cluster.pid('prediction');
      console.log('warm-up (not counted)');
      for (const path of paths) await measure(path, subgraph);
      const measured = paths.map((): Run[] => []);
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [i, path] of paths.entries()) measured[i]?.push(await measure(path, subgraph));
      }
      return measured.map(mean);
    } finally {
      forwarder.kill();
    }
  });
  const [gateway, forwarded, direct] = runs;
  if (!gateway || !forwarded || !direct) throw new Error('a path was not measured');
  const summary = {
    ...runInfo(args),
    rounds: ROUNDS,
    runs: { gateway, forwarded, direct },
    ratios: { gatewayOverDirect: gateway.throughput / direct.throughput, forwarderOverDirect: forwarded.throughput / direct.throughput },
    addedMs: { p50: gateway.p50Ms - direct.p50Ms, p99: gateway.p99Ms - direct.p99Ms },
    graphqlCpuMsPerAnswer: gateway.frontCpuMs - forwarded.frontCpuMs,
  };
  const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
  writeResults(args.resultsDir, 'gateway', summary, [
    `# Gateway overhead (${summary.date})`,
    '',
    `${args.concurrency} concurrent callers of the same \`predict\` (numeric, answered from the prediction subgraph's memory cache), each sending its next call when the last answers, on three paths to the same prediction subgraph: through the supergraph, through a bare Node forwarder (bench/forwarder.ts: node:http in and out with a keep-alive agent, no GraphQL, the floor under any gateway written for Node), and straight to it. Every path runs once unmeasured first, then ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up per run, ${ROUNDS} round(s) of all three averaged; one stack of real processes (\`npm start -- --built\`), every process and the callers sharing this machine's CPUs; CPU ms per answer from /proc over the window; ${machine()}; \`npm run bench:gateway\`.`,
    '',
    '| run | answers/s | p50 ms | p99 ms | errors | CPU ms/answer in front | CPU ms/answer in the subgraph |',
    '|---|---|---|---|---|---|---|',
    row('through the supergraph', gateway),
    row('through a bare Node forwarder', forwarded),
    row('straight to the prediction subgraph', direct),
    '',
    `- the supergraph keeps **${pct(summary.ratios.gatewayOverDirect)}** of direct throughput; the bare forwarder keeps ${pct(summary.ratios.forwarderOverDirect)}`,
    `- it adds ${summary.addedMs.p50.toFixed(1)} ms at p50 and ${summary.addedMs.p99.toFixed(1)} ms at p99`,
    `- of its ${gateway.frontCpuMs.toFixed(3)} ms of CPU per answer, ${forwarded.frontCpuMs.toFixed(3)} ms is what the bare forwarder pays too (Node's HTTP in and out), ${summary.graphqlCpuMsPerAnswer.toFixed(3)} ms is its own work (GraphQL, auth, limits, metrics, logs)`,
  ]);
}

void main();
