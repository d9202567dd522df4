/** The learned sentiment model: a weight per feature name, trained from featurized sentences. */
import type { Featurized } from './features';
import { sigmoid, trainLogistic } from './logistic';
import type { LogisticOptions, TrainingRow } from './logistic';

export interface LearnedSentiment {
  readonly bias: number;
  /** Weight of the squashed AFINN sum. */
  readonly afinnWeight: number;
  /** Weight of each binary feature seen in training; unseen features weigh nothing. */
  readonly weights: ReadonlyMap<string, number>;
}

/** The training settings v3 ships with, recorded in its artifact. */
export const TRAINING_OPTIONS: LogisticOptions = { alpha: 0.25, l2: 3e-4, iterations: 300, learningRate: 1, momentum: 0.9 };

export function trainSentiment(
  sentences: readonly Featurized[],
  positive: readonly boolean[],
  options: LogisticOptions = TRAINING_OPTIONS,
): LearnedSentiment {
  const vocabulary = [...new Set(sentences.flatMap((s) => s.names))].sort();
  const index = new Map(vocabulary.map((name, i) => [name, i]));
  const rows: TrainingRow[] = sentences.map((s, i) => ({
    indices: s.names.map((name) => index.get(name) ?? 0),
    dense: [s.afinn],
    positive: positive[i] ?? false,
  }));
  const fitted = trainLogistic(rows, vocabulary.length, options);
  return {
    bias: fitted.bias,
    afinnWeight: fitted.dense[0] ?? 0,
    weights: new Map(vocabulary.map((name, i) => [name, fitted.sparse[i] ?? 0])),
  };
}

/** Probability that the sentence is positive. */
export function positiveProbability(model: LearnedSentiment, sentence: Featurized): number {
  let z = model.bias + model.afinnWeight * sentence.afinn;
  for (const name of sentence.names) z += model.weights.get(name) ?? 0;
  return sigmoid(z);
}
