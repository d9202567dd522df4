/**
 * inference-grpc (the only one) killed under load and started again, the
 * stack as real processes. The 2-replica case, where the other replica takes
 * over, is in test/cluster.test.ts.
 */
import { graphql } from '../../stack/graphql-client';
import { startProcessStack } from '../helpers/process-stack';
import type { ProcessStack } from '../helpers/process-stack';
import { sleep, until } from '../../lib/until';

const DEADLINE_MS = 1000;
/** What the trip through the supergraph and the subgraph may add to the deadline, besides what it costs right now (measured). */
const MARGIN_MS = 500;
const CALLERS = 8;
/**
 * Long enough for gRPC's reconnect backoff (1, 1.6, 2.6, 4.1, 6.5 s..., 20% jitter) to leave the
 * subgraph's next attempt 4 s or more after the restart were it not capped by INFERENCE_RECONNECT_MAX_MS
 * (1 s): RECOVERY_MS tells the two apart with room for a loaded machine on either side.
 */
const DOWN_MS = 10_000;
const RECOVERY_MS = 3000;

interface Answer {
  readonly startedAt: number;
  readonly ms: number;
  readonly status: number;
  readonly code: string | undefined;
  readonly ok: boolean;
}

describe('inference-grpc killed under load', () => {
  let stack: ProcessStack | undefined;
  afterAll(() => stack?.close(), 30_000);

  it('answers every request within the deadline, INFERENCE_UNAVAILABLE while it is down, and right again soon after its restart (reconnect backoff capped)', async () => {
    stack = await startProcessStack({ prediction: { INFERENCE_DEADLINE_MS: String(DEADLINE_MS) } });
    const s = stack;
    const answers: Answer[] = [];
    let stop = false;
    const caller = async (n: number): Promise<void> => {
      for (let i = 0; !stop; i += 1) {
        const startedAt = Date.now();
        const res = await graphql<{ predict: { classId: number } }>(
          s.url,
          'mutation ($f: [Float!]!) { predict(input: { model: "numeric", features: $f, cache: BYPASS }) { classId } }',
          { f: [n, i] },
        );
        answers.push({
          startedAt,
          ms: Date.now() - startedAt,
          status: res.status,
          code: res.errors?.[0]?.extensions?.code,
          ok: typeof res.data?.predict.classId === 'number',
        });
      }
    };
    const load = Promise.all(Array.from({ length: CALLERS }, (_, n) => caller(n)));

    await until(() => answers.length >= CALLERS * 2, 'the load to be under way', 10_000);
    const killedAt = Date.now();
    await s.killInference();
    await sleep(DOWN_MS);
    // Down until the new process is spawned; restarted once it listens.
    const restartingAt = Date.now();
    await s.restartInference();
    const restartedAt = Date.now();
    await until(
      () => answers.filter((a) => a.startedAt >= restartedAt + RECOVERY_MS).length > CALLERS,
      'answers after the restart',
      15_000,
    );
    stop = true;
    await load;

    const before = answers.filter((a) => a.startedAt < killedAt);
    const down = answers.filter((a) => a.startedAt > killedAt + 100 && a.ms + a.startedAt < restartingAt);
    const firstRightAfter = answers.find((a) => a.startedAt >= restartedAt && a.ok);
    const settled = answers.filter((a) => a.startedAt >= restartedAt + RECOVERY_MS);
    console.info(
      `inference-grpc killed under load: ${answers.length} answers, ${down.length} while down, first right answer ${(firstRightAfter?.startedAt ?? Number.NaN) - restartedAt} ms after the restart, slowest ${Math.max(...answers.map((a) => a.ms))} ms`,
    );

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    // A failure answers at the deadline plus the trip through the supergraph and the subgraph, which costs, on this
    // machine right now, at most what the slowest right answer took in all.
    const trip = Math.max(...answers.filter((a) => a.ok).map((a) => a.ms));
    expect(answers.filter((a) => a.ms > DEADLINE_MS + MARGIN_MS + trip)).toEqual([]);
    expect(answers.filter((a) => !a.ok && a.code !== 'INFERENCE_UNAVAILABLE')).toEqual([]);
    expect(before.length).toBeGreaterThan(CALLERS);
    expect(before.filter((a) => !a.ok && a.startedAt < killedAt - DEADLINE_MS - MARGIN_MS)).toEqual([]);
    expect(down.length).toBeGreaterThan(CALLERS);
    expect(down.filter((a) => a.ok)).toEqual([]);
    expect(firstRightAfter?.startedAt ?? Number.POSITIVE_INFINITY).toBeLessThan(restartedAt + RECOVERY_MS);
    expect(settled.length).toBeGreaterThan(CALLERS);
    expect(settled.filter((a) => !a.ok)).toEqual([]);
    expect(s.crashes()).toEqual([]);
  }, 60_000);
});
