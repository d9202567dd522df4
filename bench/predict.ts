/** The `predict` loads the benchmarks share: closed-loop callers of one GraphQL endpoint. */
import { closedLoop, postGraphQL } from './load';
import type { LoadArgs, LoadOptions, LoadResult } from './load';

export const PREDICT = 'mutation ($input: PredictInput!) { predict(input: $input) { modelVersion cache batchSize classId } }';

/** Always the same input: after the first call, every answer comes from the prediction cache. */
export const HIT_INPUT = { model: 'numeric', features: [1, 2, 3] };

/** A new input per call, never cached: every answer runs the model. */
export const freshInput = (w: number, i: number): Record<string, unknown> => ({
  model: 'numeric',
  features: [w, i, w * 0.5 - i],
  cache: 'BYPASS',
});

/** `args.concurrency` callers of `predict` at `url`, with `input(worker, iteration)`; `mark` as the window opens and closes. */
export function predictLoad(
  url: string,
  args: LoadArgs,
  input: (w: number, i: number) => Record<string, unknown>,
  mark?: LoadOptions['mark'],
): Promise<LoadResult> {
  return closedLoop({
    concurrency: args.concurrency,
    warmupMs: args.warmupMs,
    windowMs: args.windowMs,
    call: (w, i, signal) => postGraphQL(url, PREDICT, { input: input(w, i) }, signal),
    mark,
  });
}

/** Cache-hit load: primes the cache with HIT_INPUT, then asks for it again and again. */
export async function cacheHitLoad(url: string, args: LoadArgs, mark?: LoadOptions['mark']): Promise<LoadResult> {
  await postGraphQL(url, PREDICT, { input: HIT_INPUT }, new AbortController().signal);
  return predictLoad(url, args, () => HIT_INPUT, mark);
}
