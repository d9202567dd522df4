/**
 * Overload through the supergraph, the stack as processes: more callers than
 * a queue bound admits. Past the bound OVERLOADED comes at once, and nothing
 * else: no accepted prediction waits so long behind an unbounded queue that
 * it times out. How fast each is answered is printed, not asserted (a loaded
 * machine stretches every figure; the benches in bench/ measure speed).
 * Each bound is exercised where it lives: the prediction subgraph's queue
 * per model version and inference-grpc's. (Their order of answers with a
 * handful of calls is in the subgraph's and inference-grpc's own tests.)
 */
import { graphql } from '../../stack/graphql-client';
import { startProcessStack } from '../helpers/process-stack';
import type { ProcessStack, ProcessStackOptions } from '../helpers/process-stack';
import { sleep } from '../../lib/until';

/** One numeric batch costs this long in inference-grpc, whatever its size. */
const BATCH_MS = 700;
const QUEUE = 8;
const BATCH_SIZE = 4;
const CALLERS = 24;
const LOAD_MS = 3000;
/** A refused caller waits this long before trying again, as a client backing off would. */
const BACKOFF_MS = 50;

interface Answer {
  readonly ms: number;
  readonly outcome: string;
}

const CASES: [string, ProcessStackOptions][] = [
  ["the prediction subgraph's BATCH_MAX_QUEUE", { prediction: { BATCH_MAX_QUEUE: String(QUEUE), BATCH_MAX_SIZE: String(BATCH_SIZE) } }],
  ["inference-grpc's BATCH_MAX_QUEUE", { inference: { BATCH_MAX_QUEUE: String(QUEUE), BATCH_MAX_SIZE: String(BATCH_SIZE) } }],
];

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe.each(CASES)('overload past %s', (_name, env) => {
  let stack: ProcessStack | undefined;
  afterAll(() => stack?.close(), 30_000);

  it('answers OVERLOADED past the bound, sooner than accepted predictions, and nothing else', async () => {
    stack = await startProcessStack({
      ...env,
      inference: { NUMERIC_LATENCY_MS: String(BATCH_MS), NUMERIC_ITEM_LATENCY_US: '0', ...env.inference },
    });
    const url = stack.url;
    const answers: Answer[] = [];
    const stopAt = Date.now() + LOAD_MS;
    const caller = async (n: number): Promise<void> => {
      for (let i = 0; Date.now() < stopAt; i += 1) {
        const started = performance.now();
        const res = await graphql<{ predict: { classId: number } }>(
          url,
          'mutation ($f: [Float!]!) { predict(input: { model: "numeric", features: $f, cache: BYPASS }) { classId } }',
          { f: [n, i] },
        );
        const outcome = typeof res.data?.predict.classId === 'number' ? 'OK' : (res.errors?.[0]?.extensions?.code ?? `HTTP ${res.status}`);
        answers.push({ ms: performance.now() - started, outcome });
        if (outcome === 'OVERLOADED') await sleep(BACKOFF_MS);
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, (_, n) => caller(n)));

    const accepted = answers.filter((a) => a.outcome === 'OK').map((a) => a.ms);
    const refused = answers.filter((a) => a.outcome === 'OVERLOADED').map((a) => a.ms);
    // Queued behind at most QUEUE others, run BATCH_SIZE at a time, plus the batch it runs in: the figure to compare with.
    const queueBound = (Math.ceil(QUEUE / BATCH_SIZE) + 1) * BATCH_MS;
    console.info(
      `overload (${_name}): ${accepted.length} accepted, p50 ${Math.round(percentile(accepted, 50))} ms, p99 ${Math.round(percentile(accepted, 99))} ms (the queue's bound ${queueBound} ms); ${refused.length} OVERLOADED, p50 ${Math.round(percentile(refused, 50))} ms, p99 ${Math.round(percentile(refused, 99))} ms`,
    );
    expect(answers.filter((a) => a.outcome !== 'OK' && a.outcome !== 'OVERLOADED')).toEqual([]);
    expect(accepted.length).toBeGreaterThan(QUEUE);
    expect(refused.length).toBeGreaterThan(CALLERS);
    // Refused without waiting for a batch: a typical refusal comes sooner than a typical acceptance, in the same run.
    expect(percentile(refused, 50)).toBeLessThan(percentile(accepted, 50));
    expect(stack.crashes()).toEqual([]);
  }, 40_000);
});
