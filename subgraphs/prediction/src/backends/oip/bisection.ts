/**
 * OIP answers a request all or nothing; here every input must get its own
 * answer, and one bad input must not fail the others. No transport here: the
 * one call is given (`infer`), this decides which groups it is made for.
 * - a batch larger than OIP_MAX_BATCH_SIZE is sent in chunks of that size;
 * - a call of several inputs that fails in a way one input can cause
 *   (BAD_USER_INPUT, INFERENCE_FAILED, INFERENCE_TIMEOUT before our own
 *   deadline) is sent again in halves within the same deadline, and a failing
 *   half in halves again (bisection), so a bad input fails alone at the cost
 *   of about 2·log2(n) more calls. The halving of one chunk is allowed
 *   2·ceil(log2(n)) more calls in all: when the failure is not the inputs'
 *   (a model that fails every input, a server that refuses every batch) it
 *   stops there, and the inputs still failing fail with the error their call
 *   got. Other failures concern every input and are not retried.
 */
import { InferGraphError, asInferGraphError } from '../../../../../lib/errors';
import type { ErrorCode } from '../../../../../lib/errors';
import type { Logger } from '../../../../../lib/logger';
import type { ModelInput, Prediction } from '../../domain';

/** The server answered in a shape we cannot read: not worth sending the inputs again in halves. */
export class UnreadableAnswer extends InferGraphError {}

/** One call for a group of inputs: every input's prediction, or one error for them all. */
export type InferGroup = (group: readonly ModelInput[]) => Promise<Prediction[]>;

export interface BisectionOptions {
  /** OIP_MAX_BATCH_SIZE: most inputs in one call; 0 for no limit. */
  readonly maxBatchSize: number;
  /** When our own deadline passes (epoch ms): no halving after it. */
  readonly deadline: number;
  /** The model (and version) asked, for messages. */
  readonly what: string;
  readonly logger: Logger;
}

/** Failures one input can cause: worth sending the inputs again in halves. */
const ONE_INPUT_CAN_CAUSE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['BAD_USER_INPUT', 'INFERENCE_FAILED', 'INFERENCE_TIMEOUT']);

function copy(err: unknown): InferGraphError {
  const e = asInferGraphError(err);
  return new InferGraphError(e.code, e.message);
}

/** Splits `items` into chunks of at most `size` (all in one when size is 0). */
function chunks<T>(items: readonly T[], size: number): T[][] {
  if (size === 0 || items.length <= size) return [[...items]];
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** One promise per input of `group`, in order, each settling as soon as that input has its answer. */
export function sendInHalves(group: readonly ModelInput[], infer: InferGroup, options: BisectionOptions): Promise<Prediction>[] {
  const { what } = options;
  const alone = (input: ModelInput): Promise<Prediction> =>
    infer([input]).then(
      (predictions) =>
        predictions[0] ?? Promise.reject(new InferGraphError('INFERENCE_FAILED', `the OIP server answered ${what} with no prediction`)),
    );

  const fewer = (): Promise<never> =>
    Promise.reject(new InferGraphError('INFERENCE_FAILED', `the OIP server answered ${what} with fewer predictions than inputs`));

  /** One call for the inputs; if it fails in a way one input can cause and the budget allows, each half again. */
  const bisect = (inputs: readonly ModelInput[], budget: { calls: number }): Promise<Prediction>[] => {
    if (inputs.length === 1 && inputs[0]) return [alone(inputs[0])];
    const answered = infer(inputs).then(
      (predictions) => inputs.map((_, k) => predictions[k] ?? fewer()),
      (err: unknown) => {
        const split =
          err instanceof InferGraphError &&
          ONE_INPUT_CAN_CAUSE.has(err.code) &&
          !(err instanceof UnreadableAnswer) &&
          Date.now() < options.deadline;
        if (!split || budget.calls < 2) return inputs.map(() => Promise.reject(copy(err)));
        budget.calls -= 2;
        const half = Math.ceil(inputs.length / 2);
        return [...bisect(inputs.slice(0, half), budget), ...bisect(inputs.slice(half), budget)];
      },
    );
    return inputs.map((_, k) => answered.then((each) => each[k] ?? fewer()));
  };

  return chunks(group, options.maxBatchSize).flatMap((chunk) => {
    const allowed = 2 * Math.ceil(Math.log2(chunk.length));
    const budget = { calls: allowed };
    const sent = bisect(chunk, budget);
    // A server whose batches are smaller than ours refuses every one: say so, once per chunk.
    void Promise.allSettled(sent).then(() => {
      if (budget.calls === allowed) return;
      options.logger.warn(
        { model: what, inputs: chunk.length, extraCalls: allowed - budget.calls },
        'the OIP server failed a ModelInfer of several inputs; sent it again in halves (if the server refuses batches this large, set OIP_MAX_BATCH_SIZE)',
      );
    });
    return sent;
  });
}
