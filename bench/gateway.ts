/**
 * `npm run bench:gateway`: what the supergraph costs. The same cache-hit
 * `predict` (answered from the prediction subgraph's memory cache, so no
 * model runs) at the same concurrency, through the supergraph and straight
 * to the prediction subgraph of one stack, side by side in one run, one
 * after the other and again (--rounds), averaged. Both paths are first run
 * once unmeasured (as long as a round), so that neither is measured cold:
 * the first measured round otherwise caught the supergraph still compiling
 * its hot path and the subgraph cold, while the direct run after it found
 * the subgraph warmed by the gateway's round.
 * Writes bench/results/gateway.{json,md}.
 *
 *   npm run bench:gateway -- [--concurrency 64] [--seconds 10] [--warmup-seconds 1] [--rounds 2]
 */
import { meanResult, parseLoadArgs } from './load';
import type { LoadResult } from './load';
import { cacheHitLoad } from './predict';
import { LOAD_HEADER, loadRow, logLoad, runInfo, writeResults } from './report';
import { withBenchStack } from './stack';

const args = parseLoadArgs({ concurrency: '64', rounds: '2' });
const ROUNDS = Number(args.extra.rounds);

async function main(): Promise<void> {
  console.log(
    `${args.concurrency} concurrent callers of a cache-hit predict, ${args.windowMs / 1000} s measured after ${args.warmupMs / 1000} s warm-up`,
  );
  const { gateway, direct } = await withBenchStack({}, async (stack) => {
    logLoad('warm-up through the supergraph (not counted)', await cacheHitLoad(stack.gateway, args));
    logLoad('warm-up straight to the prediction subgraph (not counted)', await cacheHitLoad(stack.prediction, args));
    const viaGateway: LoadResult[] = [];
    const straight: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const g = await cacheHitLoad(stack.gateway, args);
      logLoad('through the supergraph', g);
      const d = await cacheHitLoad(stack.prediction, args);
      logLoad('straight to the prediction subgraph', d);
      viaGateway.push(g);
      straight.push(d);
    }
    return { gateway: meanResult(viaGateway), direct: meanResult(straight) };
  });
  const summary = {
    ...runInfo(args),
    rounds: ROUNDS,
    runs: { gateway, direct },
    ratios: { gatewayOverDirect: gateway.throughput / direct.throughput },
    addedMs: { p50: gateway.p50Ms - direct.p50Ms, p99: gateway.p99Ms - direct.p99Ms },
  };
  writeResults(args.resultsDir, 'gateway', summary, [
    `# Gateway overhead (${summary.date})`,
    '',
    `${args.concurrency} concurrent callers of the same \`predict\` (numeric, answered from the prediction subgraph's memory cache), each sending its next call when the last answers; both paths run once unmeasured first, then ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up per run, ${ROUNDS} round(s) of both averaged; one stack of real processes (\`npm start\`), the gateway and the subgraph sharing this machine's CPUs; ${summary.machine}; \`npm run bench:gateway\`.`,
    '',
    ...LOAD_HEADER,
    loadRow('through the supergraph', gateway),
    loadRow('straight to the prediction subgraph', direct),
    '',
    `- the supergraph keeps **${(summary.ratios.gatewayOverDirect * 100).toFixed(0)}%** of direct throughput`,
    `- it adds ${summary.addedMs.p50.toFixed(1)} ms at p50 and ${summary.addedMs.p99.toFixed(1)} ms at p99`,
  ]);
}

void main();
