/**
 * `npm run bench:models`: the `models` query of issue 17 (name, default
 * version, description, canary, versions) at the same concurrency, straight to
 * the models subgraph (what its registry reads cost) and through the
 * supergraph (what a caller sees), side by side in one run. Besides the rate,
 * the CPU time the models subgraph and inference-grpc spend per answered read
 * (from /proc, so Linux only): on a shared machine the rate moves with the
 * neighbours' load, the CPU per read much less. Through the supergraph twice:
 * with its response cache (as shipped) and without (RESPONSE_CACHE=false), on a
 * second stack. Writes
 * bench/results/models.{json,md}.
 *
 *   npm run bench:models -- [--concurrency 50] [--seconds 10] [--warmup-seconds 1]
 */
import type { Cluster } from '../stack/cluster';
import { cpuWindow } from './cpu';
import { closedLoop, parseLoadArgs, postGraphQL } from './load';
import type { LoadArgs, LoadResult } from './load';
import { LOAD_HEADER, loadRow, logLoad, runInfo, writeResults } from './report';
import { withBenchStack } from './stack';

export const MODELS_QUERY = '{ models { name defaultVersion description canary { version percent } versions { version loaded } } }';

const args = parseLoadArgs({ concurrency: '50' });

interface Run extends LoadResult {
  /** CPU ms per answered read, in the models subgraph and in inference-grpc. */
  readonly modelsCpuMsPerRead: number;
  readonly inferenceCpuMsPerRead: number;
}

async function modelsLoad(cluster: Cluster, url: string, load: LoadArgs): Promise<Run> {
  const cpu = cpuWindow({ models: [cluster.pid('models')], inference: [cluster.pid('inference')] });
  const result = await closedLoop({
    concurrency: load.concurrency,
    warmupMs: load.warmupMs,
    windowMs: load.windowMs,
    call: (_w, _i, signal) => postGraphQL(url, MODELS_QUERY, {}, signal),
    mark: cpu.mark,
  });
  const { models, inference } = cpu.perAnswer(result.answered);
  return { ...result, modelsCpuMsPerRead: models, inferenceCpuMsPerRead: inference };
}

const row = (name: string, r: Run): string =>
  `${loadRow(name, r)} ${r.modelsCpuMsPerRead.toFixed(3)} | ${r.inferenceCpuMsPerRead.toFixed(3)} |`;

function log(name: string, r: Run): void {
  logLoad(name, r);
  console.log(
    `    CPU per read: models subgraph ${r.modelsCpuMsPerRead.toFixed(3)} ms, inference-grpc ${r.inferenceCpuMsPerRead.toFixed(3)} ms`,
  );
}

async function main(): Promise<void> {
  console.log(
    `${args.concurrency} concurrent callers of \`models\`, ${args.windowMs / 1000} s measured after ${args.warmupMs / 1000} s warm-up`,
  );
  const runs = await withBenchStack({}, async (stack) => {
    const direct = await modelsLoad(stack.cluster, stack.models, args);
    log('straight to the models subgraph', direct);
    const gateway = await modelsLoad(stack.cluster, stack.gateway, args);
    log('through the supergraph', gateway);
    return { direct, gateway };
  });
  // The same through a supergraph whose response cache is off: every read reaches the models subgraph.
  const uncached = await withBenchStack({ RESPONSE_CACHE: 'false' }, (stack) => modelsLoad(stack.cluster, stack.gateway, args));
  log('through the supergraph, RESPONSE_CACHE=false', uncached);
  const summary = { ...runInfo(args), query: MODELS_QUERY, runs: { ...runs, uncached } };
  writeResults(args.resultsDir, 'models', summary, [
    `# Registry reads: the \`models\` query (${summary.date})`,
    '',
    `${args.concurrency} concurrent callers of \`${MODELS_QUERY}\`, each sending its next call when the last answers; ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up; stacks of real processes (\`npm start -- --built\`, rate limits off; the last row on a second one); ${summary.machine}; \`npm run bench:models\`.`,
    '',
    `${LOAD_HEADER[0]} models subgraph CPU ms/read | inference-grpc CPU ms/read |`,
    `${LOAD_HEADER[1]}---|---|`,
    row('straight to the models subgraph', runs.direct),
    row('through the supergraph', runs.gateway),
    row('through the supergraph, RESPONSE_CACHE=false', uncached),
  ]);
}

void main();
