/**
 * `npm run bench:unauthenticated`: what a caller without credentials costs the
 * supergraph. First the round trip of one unauthenticated 1 MB query (a bad
 * API key, one at a time); then an honest reader's `{ models { name } }`
 * alone, and again while three attackers send unauthenticated 1 MB queries
 * back to back, side by side. Rate limiting is off (as in every load bench),
 * so the attackers are turned away by authentication alone, before their
 * bodies are read. Writes bench/results/unauthenticated.{json,md}.
 *
 *   npm run bench:unauthenticated -- [--seconds 10] [--warmup-seconds 1] [--attackers 3] [--samples 200]
 */
import { TICK_MS, cpuSeconds } from './cpu';
import { closedLoop, parseLoadArgs } from './load';
import type { LoadResult } from './load';
import { LOAD_HEADER, loadRow, logLoad, runInfo, writeResults } from './report';
import { withBenchStack } from './stack';

const args = parseLoadArgs({ concurrency: '1', attackers: '3', samples: '200' });
const ATTACKERS = Number(args.extra.attackers);
const SAMPLES = Number(args.extra.samples);
const KEY = 'bench-reader-key-0123456789';
/** About 1 MB of operation text, under the default MAX_BODY_BYTES (1 MiB) with its JSON around it; encoded once. */
const ONE_MB_QUERY = Buffer.from(JSON.stringify({ query: `{ ${'__typename '.repeat(90_900)}}` }));
const READ = JSON.stringify({ query: '{ models { name } }' });

/** CPU time (user + system) process `pid` has used so far, in ms, from /proc. */
const cpuMs = (pid: number): number => cpuSeconds(pid) * 1000;

async function post(url: string, body: string | Buffer, key: string, signal?: AbortSignal): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body, signal });
  await res.arrayBuffer();
  return res.status;
}

/** Round trips of unauthenticated 1 MB queries sent one at a time, and the supergraph's CPU time per query. */
async function unauthenticatedCost(
  url: string,
  pid: number,
  body: Buffer | string,
): Promise<{ p50Ms: number; maxMs: number; cpuMsPerQuery: number; statuses: number[] }> {
  const times: number[] = [];
  const statuses = new Set<number>();
  const cpuBefore = cpuMs(pid);
  for (let i = 0; i < SAMPLES; i += 1) {
    const t = performance.now();
    statuses.add(await post(url, body, 'not-a-key'));
    times.push(performance.now() - t);
  }
  const cpuMsPerQuery = (cpuMs(pid) - cpuBefore) / SAMPLES;
  times.sort((a, b) => a - b);
  return {
    p50Ms: times[Math.floor(times.length / 2)] ?? Number.NaN,
    maxMs: times[times.length - 1] ?? Number.NaN,
    cpuMsPerQuery,
    statuses: [...statuses],
  };
}

async function reader(url: string): Promise<LoadResult> {
  return closedLoop({
    concurrency: args.concurrency,
    warmupMs: args.warmupMs,
    windowMs: args.windowMs,
    call: async (_w, _i, signal) => {
      const status = await post(url, READ, KEY, signal);
      if (status !== 200) throw new Error(`HTTP ${status}`);
    },
  });
}

async function main(): Promise<void> {
  console.log(
    `one unauthenticated 1 MB query at a time (${SAMPLES}); then a reader alone and beside ${ATTACKERS} attackers, ${args.windowMs / 1000} s each after ${args.warmupMs / 1000} s warm-up`,
  );
  const result = await withBenchStack({ API_KEYS: `reader=${KEY}:reader` }, async (stack) => {
    const supergraph = stack.cluster.pid('supergraph');
    const cost = await unauthenticatedCost(stack.gateway, supergraph, ONE_MB_QUERY);
    // The same refusal of a small query: what is left is the connection and the unread megabyte drained from it.
    const small = await unauthenticatedCost(stack.gateway, supergraph, READ);
    console.log(
      `  unauthenticated 1 MB query: round trip p50 ${cost.p50Ms.toFixed(2)} ms, max ${cost.maxMs.toFixed(2)} ms; supergraph CPU ${cost.cpuMsPerQuery.toFixed(2)} ms a query; answered ${cost.statuses.join(', ')}`,
    );
    console.log(
      `  unauthenticated small query: round trip p50 ${small.p50Ms.toFixed(2)} ms; supergraph CPU ${small.cpuMsPerQuery.toFixed(2)} ms a query`,
    );
    const alone = await reader(stack.gateway);
    logLoad('reader alone', alone);
    const stop = new AbortController();
    let attacks = 0;
    const attacker = async (): Promise<void> => {
      while (!stop.signal.aborted) {
        try {
          await post(stack.gateway, ONE_MB_QUERY, 'not-a-key', stop.signal);
          attacks += 1;
        } catch {
          // Aborted at the end of the run.
        }
      }
    };
    const attackers = Array.from({ length: ATTACKERS }, () => attacker());
    const attacked = await reader(stack.gateway);
    stop.abort();
    await Promise.all(attackers);
    logLoad(`reader beside ${ATTACKERS} attackers`, attacked);
    return { cost, small, alone, attacked, attacksPerSecond: attacks / ((args.windowMs + args.warmupMs) / 1000) };
  });
  const summary = {
    ...runInfo(args),
    attackers: ATTACKERS,
    unauthenticated1MbQuery: {
      p50Ms: result.cost.p50Ms,
      maxMs: result.cost.maxMs,
      supergraphCpuMs: result.cost.cpuMsPerQuery,
      samples: SAMPLES,
      statuses: result.cost.statuses,
    },
    unauthenticatedSmallQuery: { p50Ms: result.small.p50Ms, supergraphCpuMs: result.small.cpuMsPerQuery, samples: SAMPLES },
    runs: { alone: result.alone, attacked: result.attacked },
    attacksPerSecond: result.attacksPerSecond,
    ratios: { attackedOverAloneP50: result.attacked.p50Ms / result.alone.p50Ms },
  };
  writeResults(args.resultsDir, 'unauthenticated', summary, [
    `# Callers without credentials (${summary.date})`,
    '',
    `An unauthenticated 1 MB query (bad API key), ${SAMPLES} sent one at a time: p50 ${result.cost.p50Ms.toFixed(2)} ms round trip (the 1 MB crosses loopback either way), max ${result.cost.maxMs.toFixed(2)} ms, ${result.cost.cpuMsPerQuery.toFixed(2)} ms of supergraph CPU a query (its /proc CPU time over all ${SAMPLES}, in ${TICK_MS} ms ticks; answered ${result.cost.statuses.join(', ')}); the same refusal of a 40-byte query: p50 ${result.small.p50Ms.toFixed(2)} ms, ${result.small.cpuMsPerQuery.toFixed(2)} ms of CPU. Then one honest reader of \`{ models { name } }\`, ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up, alone and beside ${ATTACKERS} callers sending unauthenticated 1 MB queries back to back (${result.attacksPerSecond.toFixed(0)} answered a second); rate limiting off; one stack of real processes (\`npm start -- --built\`); ${summary.machine}; \`npm run bench:unauthenticated\`.`,
    '',
    ...LOAD_HEADER,
    loadRow('reader alone', result.alone),
    loadRow(`reader beside ${ATTACKERS} attackers`, result.attacked),
    '',
    `Reader p50 beside the attackers / alone: ${summary.ratios.attackedOverAloneP50.toFixed(2)}x.`,
  ]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
