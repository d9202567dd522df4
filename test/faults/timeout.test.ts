/**
 * `simulate-timeout` through the supergraph, the stack as processes: the
 * input that hangs answers INFERENCE_TIMEOUT within the deadline + 100 ms
 * (plus what the trip costs in the same round), and the inputs batched with
 * it answer before it does: they are not held until its deadline.
 * (The subgraph alone, with one slow and one fast input, is in
 * subgraphs/prediction/src/server-batching-and-faults.test.ts.)
 */
import { graphql } from '../../stack/graphql-client';
import type { GraphQLResponse } from '../../stack/graphql-client';
import { startProcessStack } from '../helpers/process-stack';
import type { ProcessStack } from '../helpers/process-stack';

const DEADLINE_MS = 600;
/** Long enough that predictions sent together by this test share batch calls to inference-grpc with the hung ones. */
const BATCH_DELAY_MS = 10;
const HUNG = 4;
const FINE = 12;
const ROUNDS = 3;

interface Timed<T> {
  readonly ms: number;
  /** When the answer came (performance.now()). */
  readonly at: number;
  readonly res: T;
}

async function timed<T>(call: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const res = await call();
  const at = performance.now();
  return { ms: at - started, at, res };
}

type Predicted = GraphQLResponse<{ predict: { label: string } }>;
type Batch = GraphQLResponse<{
  predictBatch: ({ __typename: 'Prediction'; label: string } | { __typename: 'PredictionError'; code: string })[];
}>;

describe('simulate-timeout through the supergraph', () => {
  let stack: ProcessStack | undefined;
  afterAll(() => stack?.close(), 30_000);

  it('answers INFERENCE_TIMEOUT within the deadline + 100 ms, and the inputs batched with it before it', async () => {
    stack = await startProcessStack({
      prediction: { INFERENCE_DEADLINE_MS: String(DEADLINE_MS), BATCH_MAX_DELAY_MS: String(BATCH_DELAY_MS) },
    });
    const url = stack.url;
    const predict = (text: string): Promise<Predicted> =>
      graphql(url, 'mutation ($t: String!) { predict(input: { model: "sentiment", text: $t, cache: BYPASS }) { label } }', { t: text });
    // Loads the model version and warms the gateway's query plans, so the rounds measure timeouts only.
    await Promise.all([predict('warming up'), predict('simulate-timeout')]);
    const hungMs: number[] = [];
    const fineMs: number[] = [];
    const late: string[] = [];
    const hostages: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const hung = Array.from({ length: HUNG }, () => timed(() => predict('simulate-timeout')));
      const fine = Array.from({ length: FINE }, (_, i) => timed(() => predict(`a lovely day ${round}-${i}`)));
      const batch = timed((): Promise<Batch> =>
        graphql(
          url,
          'mutation { predictBatch(inputs: [{ model: "sentiment", text: "simulate-timeout", cache: BYPASS }, { model: "sentiment", text: "a fine start", cache: BYPASS }]) { __typename ... on Prediction { label } ... on PredictionError { code } } }',
        ),
      );
      // Everything settles before any check, so a failed check leaves no request in flight.
      const [hungAnswers, fineAnswers, mixed] = await Promise.all([Promise.all(hung), Promise.all(fine), batch]);
      for (const { res } of hungAnswers) expect(res.errors?.[0]?.extensions?.code).toBe('INFERENCE_TIMEOUT');
      for (const { ms, res } of fineAnswers) {
        expect(res.errors).toBeUndefined();
        expect(res.data?.predict.label).toBe('POSITIVE');
        fineMs.push(ms);
      }
      // The deadline runs from the call to inference-grpc; what the trip there and back costs right
      // now is at most what the slowest prediction of this round took in all.
      const path = Math.max(...fineAnswers.map((a) => a.ms));
      for (const { ms } of [...hungAnswers, mixed]) {
        hungMs.push(ms);
        if (ms < DEADLINE_MS || ms > DEADLINE_MS + 100 + path)
          late.push(`round ${round}: ${Math.round(ms)} ms (path ${Math.round(path)} ms)`);
      }
      // Not held hostage: every input sent beside the hung ones is answered before the first of them times out.
      const firstTimeout = Math.min(...hungAnswers.map((a) => a.at));
      for (const { at } of fineAnswers)
        if (at >= firstTimeout) hostages.push(`round ${round}: answered ${Math.round(at - firstTimeout)} ms after a hung input timed out`);
      // One predictBatch is one batch call: its hung item times out alone, the other answers.
      expect(mixed.res.data?.predictBatch).toEqual([
        { __typename: 'PredictionError', code: 'INFERENCE_TIMEOUT' },
        { __typename: 'Prediction', label: 'POSITIVE' },
      ]);
    }
    console.info(
      `simulate-timeout, deadline ${DEADLINE_MS} ms: timed out after ${Math.round(Math.min(...hungMs))}..${Math.round(Math.max(...hungMs))} ms; the inputs batched with them answered within ${Math.round(Math.max(...fineMs))} ms`,
    );
    expect(late).toEqual([]);
    expect(hostages).toEqual([]);
    expect(stack.crashes()).toEqual([]);
  }, 40_000);
});
