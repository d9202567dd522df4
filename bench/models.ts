/**
 * `npm run bench:models`: the `models` query of issue 17 (name, default
 * version, description, canary, versions) at the same concurrency, straight to
 * the models subgraph (what its registry reads cost) and through the
 * supergraph (what a caller sees), side by side in one run. Writes
 * bench/results/models.{json,md}.
 *
 *   npm run bench:models -- [--concurrency 50] [--seconds 10] [--warmup-seconds 1]
 */
import { closedLoop, parseLoadArgs, postGraphQL } from './load';
import type { LoadArgs, LoadResult } from './load';
import { LOAD_HEADER, loadRow, logLoad, runInfo, writeResults } from './report';
import { withBenchStack } from './stack';

export const MODELS_QUERY = '{ models { name defaultVersion description canary { version percent } versions { version loaded } } }';

const args = parseLoadArgs({ concurrency: '50' });

function modelsLoad(url: string, load: LoadArgs): Promise<LoadResult> {
  return closedLoop({
    concurrency: load.concurrency,
    warmupMs: load.warmupMs,
    windowMs: load.windowMs,
    call: (_w, _i, signal) => postGraphQL(url, MODELS_QUERY, {}, signal),
  });
}

async function main(): Promise<void> {
  console.log(
    `${args.concurrency} concurrent callers of \`models\`, ${args.windowMs / 1000} s measured after ${args.warmupMs / 1000} s warm-up`,
  );
  const runs = await withBenchStack({}, async (stack) => {
    const direct = await modelsLoad(stack.models, args);
    logLoad('straight to the models subgraph', direct);
    const gateway = await modelsLoad(stack.gateway, args);
    logLoad('through the supergraph', gateway);
    return { direct, gateway };
  });
  const summary = { ...runInfo(args), query: MODELS_QUERY, runs };
  writeResults(args.resultsDir, 'models', summary, [
    `# Registry reads: the \`models\` query (${summary.date})`,
    '',
    `${args.concurrency} concurrent callers of \`${MODELS_QUERY}\`, each sending its next call when the last answers; ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up; one stack of real processes (\`npm start\`, rate limits off); ${summary.machine}; \`npm run bench:models\`.`,
    '',
    ...LOAD_HEADER,
    loadRow('straight to the models subgraph', runs.direct),
    loadRow('through the supergraph', runs.gateway),
  ]);
}

void main();
