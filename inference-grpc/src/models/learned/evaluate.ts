/** Cross-validated accuracy of the learned sentiment model: what eval:sentiment prints and the artifact records. */
import { crossValidate, stratifiedFolds } from './cv';
import { DATASETS } from './data';
import type { Dataset, LabelledSentence } from './data';
import { featurize } from './features';
import type { Featurized } from './features';
import { loadLexicons } from './lexicons';
import type { LogisticOptions } from './logistic';
import { positiveProbability, trainSentiment, TRAINING_OPTIONS } from './model';

export const CV_FOLDS = 10;
export const CV_SEED = 20260418;

export interface CrossValidation {
  readonly folds: number;
  readonly seed: number;
  /** Accuracy over all sentences, each scored by the model that did not see it. */
  readonly pooled: number;
  readonly datasets: Readonly<Record<Dataset, number>>;
}

/**
 * Stratified (by data set and label) k-fold cross-validation over the pooled
 * sentences: train on k-1 folds, score the held-out fold. Sentences are
 * featurized once; each fold trains for the fixed iteration count.
 */
export function crossValidateSentiment(
  sentences: readonly LabelledSentence[],
  options: LogisticOptions = TRAINING_OPTIONS,
): CrossValidation {
  const lexicons = loadLexicons();
  const featurized: Featurized[] = sentences.map((s) => featurize(s.text, lexicons));
  const folds = stratifiedFolds(
    sentences.map((s) => `${s.dataset}:${s.positive}`),
    CV_FOLDS,
    CV_SEED,
  );
  const indices = sentences.map((_, i) => i);
  const predicted = crossValidate(indices, folds, CV_FOLDS, (training) => {
    const model = trainSentiment(
      training.map((i) => featurized[i] as Featurized),
      training.map((i) => sentences[i]?.positive ?? false),
      options,
    );
    return (i) => positiveProbability(model, featurized[i] as Featurized) >= 0.5;
  });
  const accuracy = (keep: (s: LabelledSentence) => boolean): number => {
    const picked = indices.filter((i) => keep(sentences[i] as LabelledSentence));
    return picked.filter((i) => predicted[i] === sentences[i]?.positive).length / picked.length;
  };
  const datasets = Object.fromEntries(DATASETS.map((d) => [d, accuracy((s) => s.dataset === d)])) as Record<Dataset, number>;
  return { folds: CV_FOLDS, seed: CV_SEED, pooled: accuracy(() => true), datasets };
}
