/**
 * `npm run bench:cache`: the cache-hit path with the prediction cache in
 * memory (no REDIS_URL) and in Redis, the same input asked again and again
 * at the same concurrency, straight to the prediction subgraph (the cache's
 * own cost) and through the supergraph (what a caller sees), side by side in
 * one run. Writes bench/results/cache.{json,md}.
 *
 *   npm run bench:cache -- [--concurrency 64] [--seconds 10] [--warmup-seconds 1]
 */
import { freshPrefix, redisUrl } from '../stack/redis';
import { parseLoadArgs } from './load';
import type { LoadResult } from './load';
import { cacheHitLoad } from './predict';
import { LOAD_HEADER, loadRow, logLoad, runInfo, writeResults } from './report';
import { withBenchStack } from './stack';

const args = parseLoadArgs({ concurrency: '64' });

interface Runs {
  readonly direct: LoadResult;
  readonly gateway: LoadResult;
}

function measure(name: string, env: Record<string, string>): Promise<Runs> {
  return withBenchStack(env, async (stack) => {
    const direct = await cacheHitLoad(stack.prediction, args);
    logLoad(`${name}, straight to the prediction subgraph`, direct);
    const gateway = await cacheHitLoad(stack.gateway, args);
    logLoad(`${name}, through the supergraph`, gateway);
    return { direct, gateway };
  });
}

async function main(): Promise<void> {
  console.log(
    `${args.concurrency} concurrent callers of a cache-hit predict, ${args.windowMs / 1000} s measured after ${args.warmupMs / 1000} s warm-up`,
  );
  const memory = await measure('memory', {});
  const redis = await measure('Redis', { REDIS_URL: redisUrl(), REDIS_PREFIX: freshPrefix() });
  const summary = {
    ...runInfo(args),
    runs: { memory, redis },
    ratios: {
      redisOverMemoryDirect: redis.direct.throughput / memory.direct.throughput,
      redisOverMemoryGateway: redis.gateway.throughput / memory.gateway.throughput,
    },
  };
  writeResults(args.resultsDir, 'cache', summary, [
    `# Prediction cache: memory vs Redis hit path (${summary.date})`,
    '',
    `${args.concurrency} concurrent callers of the same \`predict\` (numeric), answered from the prediction cache, each sending its next call when the last answers; ${summary.windowSeconds} s measured after ${args.warmupMs / 1000} s warm-up; one stack of real processes (\`npm start -- --built\`) per cache, memory (no REDIS_URL) then Redis (${redisUrl()}, local); ${summary.machine}; \`npm run bench:cache\`.`,
    '',
    ...LOAD_HEADER,
    loadRow('memory, straight to the prediction subgraph', memory.direct),
    loadRow('Redis, straight to the prediction subgraph', redis.direct),
    loadRow('memory, through the supergraph', memory.gateway),
    loadRow('Redis, through the supergraph', redis.gateway),
    '',
    `- Redis / memory, straight to the subgraph: **${summary.ratios.redisOverMemoryDirect.toFixed(2)}×** throughput, p50 ${memory.direct.p50Ms.toFixed(1)} → ${redis.direct.p50Ms.toFixed(1)} ms`,
    `- Redis / memory, through the supergraph: **${summary.ratios.redisOverMemoryGateway.toFixed(2)}×** throughput, p50 ${memory.gateway.p50Ms.toFixed(1)} → ${redis.gateway.p50Ms.toFixed(1)} ms`,
  ]);
}

void main();
