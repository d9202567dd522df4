/**
 * `npm run bench:peer`: our supergraph against Hive Gateway
 * (@graphql-hive/gateway, bench/peer/hive.ts) serving the same
 * schema/supergraph.graphql in front of the same subgraph processes, with the
 * same queries at the same load, side by side in one run:
 *   - predict answered from the prediction cache (one subgraph fetch);
 *   - the same predict asking for its model's description too (a second fetch, to the models subgraph).
 * Each gateway is measured alone, ours first then the peer, and again in
 * that order (--rounds), so drift on a shared machine does not favour one.
 * Writes bench/results/peer.{json,md}.
 *
 *   npm run bench:peer -- [--concurrency 64] [--seconds 10] [--warmup-seconds 1] [--rounds 2]
 */
import { closedLoop, meanResult, parseLoadArgs, postGraphQL } from './load';
import type { LoadResult } from './load';
import { HIT_INPUT, PREDICT } from './predict';
import { LOAD_HEADER, loadRow, logLoad, runInfo, writeResults } from './report';
import { startHiveGateway } from './peer/hive';
import { withBenchStack } from './stack';

const args = parseLoadArgs({ concurrency: '64', rounds: '2' });
const ROUNDS = Number(args.extra.rounds);

const QUERIES = {
  'predict, cache hit (1 subgraph fetch)': PREDICT,
  'predict + model description, cache hit (2 subgraph fetches)':
    'mutation ($input: PredictInput!) { predict(input: $input) { modelVersion cache classId model { name description defaultVersion } } }',
} as const;
type QueryName = keyof typeof QUERIES;
const GATEWAYS = ['InferGraph supergraph (Apollo Gateway 2.14.4)', 'Hive Gateway 2.15.1'] as const;

async function main(): Promise<void> {
  console.log(
    `${args.concurrency} concurrent callers, ${args.windowMs / 1000} s measured after ${args.warmupMs / 1000} s warm-up, ${ROUNDS} round(s)`,
  );
  const results = await withBenchStack({}, async (stack) => {
    const hive = await startHiveGateway({ prediction: stack.prediction, models: stack.models });
    try {
      const urls = [stack.gateway, hive.url];
      const runs = new Map<string, LoadResult[]>();
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [name, query] of Object.entries(QUERIES)) {
          for (const [g, url] of urls.entries()) {
            const key = `${name}|${g}`;
            await postGraphQL(url, query, { input: HIT_INPUT }, new AbortController().signal);
            const r = await closedLoop({
              concurrency: args.concurrency,
              warmupMs: args.warmupMs,
              windowMs: args.windowMs,
              call: (_w, _i, signal) => postGraphQL(url, query, { input: HIT_INPUT }, signal),
            });
            logLoad(`${GATEWAYS[g]}, ${name}`, r);
            runs.set(key, [...(runs.get(key) ?? []), r]);
          }
        }
      }
      return Object.fromEntries(
        Object.keys(QUERIES).map((name) => [
          name,
          { ours: meanResult(runs.get(`${name}|0`) ?? []), hive: meanResult(runs.get(`${name}|1`) ?? []) },
        ]),
      ) as Record<QueryName, { ours: LoadResult; hive: LoadResult }>;
    } finally {
      await hive.stop();
    }
  });
  const summary = {
    ...runInfo(args),
    rounds: ROUNDS,
    gateways: GATEWAYS,
    queries: results,
    ratios: Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.ours.throughput / r.hive.throughput])),
  };
  writeResults(args.resultsDir, 'peer', summary, [
    `# InferGraph supergraph vs Hive Gateway (${summary.date})`,
    '',
    `The same schema/supergraph.graphql served by our supergraph and by Hive Gateway (\`@graphql-hive/gateway\` 2.15.1, its CLI, LOG_LEVEL=warn), in front of the same prediction and models subgraph processes; ${args.concurrency} concurrent callers of the same operation (numeric \`predict\`, answered from the prediction cache), each sending its next call when the last answers; ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up per run, one gateway at a time, ${ROUNDS} round(s) averaged; ours runs with its auth, limits, logging (info) and metrics plugins as shipped (auth off, rate limit off); ${summary.machine}; \`npm run bench:peer\`.`,
    '',
    ...LOAD_HEADER,
    ...Object.entries(results).flatMap(([name, r]) => [
      loadRow(`${GATEWAYS[0]}: ${name}`, r.ours),
      loadRow(`${GATEWAYS[1]}: ${name}`, r.hive),
    ]),
    '',
    ...Object.entries(summary.ratios).map(([name, ratio]) => `- ${name}: ours / Hive Gateway **${ratio.toFixed(2)}×**`),
  ]);
}

void main();
