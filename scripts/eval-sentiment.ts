/**
 * `npm run eval:sentiment`: accuracy of every sentiment version on the labelled
 * sentences shipped inside the `sentiment` package (UCI "Sentiment Labelled
 * Sentences": amazon, imdb, yelp; 500 positive + 500 negative each).
 * A sentence counts as predicted positive when the label is POSITIVE; NEUTRAL
 * and NEGATIVE count as negative, since the data has only two classes.
 * Rule-based versions (v1, v2) learned nothing from these sentences and are
 * scored on all of them; the learned v3 is scored only by stratified 10-fold
 * cross-validation (each sentence by a model trained without it), never by
 * the artifact that was trained on them all.
 */
import {
  crossValidateSentiment,
  DEFAULT_MODEL_REPOSITORY,
  DATASETS,
  LEARNED_SENTIMENT_VERSION,
  loadDataset,
  loadSentences,
  repositoryModel,
} from '../inference-grpc/src/index';
import type { CrossValidation, Dataset } from '../inference-grpc/src/index';

export { DATASETS };

export type Accuracy = Record<string, Record<Dataset, number>>;

/** Accuracy of the rule-based versions on every sentence. */
export async function evaluateSentiment(): Promise<Accuracy> {
  const result: Accuracy = {};
  const sentimentModel = repositoryModel(DEFAULT_MODEL_REPOSITORY, 'sentiment', { batchLatencyMs: 0, itemLatencyUs: 0 });
  for (const version of sentimentModel.versions.filter((v) => v.version !== LEARNED_SENTIMENT_VERSION)) {
    const model = await version.load();
    const scores = {} as Record<Dataset, number>;
    for (const dataset of DATASETS) {
      const rows = loadDataset(dataset);
      const outputs = await model.run(rows.map((r) => ({ kind: 'text', text: r.text })));
      const correct = outputs.filter((o, i) => o.kind === 'sentiment' && (o.label === 'POSITIVE') === rows[i]?.positive).length;
      scores[dataset] = correct / rows.length;
    }
    result[version.version] = scores;
  }
  return result;
}

/** v3's stratified 10-fold cross-validated accuracy, pooled over the three sets (fixed fold seed). */
export function crossValidateV3(): CrossValidation {
  return crossValidateSentiment(loadSentences());
}

async function main(): Promise<void> {
  const accuracy = await evaluateSentiment();
  console.log(`| version | ${DATASETS.join(' | ')} | pooled | how |`);
  console.log(`|---|${DATASETS.map(() => '---').join('|')}|---|---|`);
  for (const [version, scores] of Object.entries(accuracy)) {
    const pooled = DATASETS.reduce((sum, d) => sum + scores[d], 0) / DATASETS.length;
    console.log(
      `| sentiment:${version} | ${DATASETS.map((d) => scores[d].toFixed(3)).join(' | ')} | ${pooled.toFixed(3)} | all sentences (rule based) |`,
    );
  }
  const cv = crossValidateV3();
  console.log(
    `| sentiment:v3 | ${DATASETS.map((d) => cv.datasets[d].toFixed(3)).join(' | ')} | ${cv.pooled.toFixed(3)} | ` +
      `stratified ${cv.folds}-fold CV, fold seed ${cv.seed} |`,
  );
}

if (require.main === module) void main();
