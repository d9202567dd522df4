/**
 * `npm run eval:sentiment`: accuracy of every sentiment version on the labelled
 * sentences shipped inside the `sentiment` package (UCI "Sentiment Labelled
 * Sentences": amazon, imdb, yelp; 500 positive + 500 negative each).
 * A sentence counts as predicted positive when the label is POSITIVE; NEUTRAL
 * and NEGATIVE count as negative, since the data has only two classes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { sentimentModel } from '../inference-grpc/src/index';

export const DATASETS = ['amazon', 'imdb', 'yelp'] as const;
export type Dataset = (typeof DATASETS)[number];

interface Labelled {
  readonly text: string;
  readonly positive: boolean;
}

function loadDataset(name: Dataset): Labelled[] {
  const file = path.join(path.dirname(require.resolve('sentiment/package.json')), 'test', 'fixtures', `${name}.json`);
  const rows = JSON.parse(readFileSync(file, 'utf8')) as { text: string; class: 0 | 1 | null }[];
  return rows.filter((r) => r.class !== null && r.text !== '').map((r) => ({ text: r.text, positive: r.class === 1 }));
}

export type Accuracy = Record<string, Record<Dataset, number>>;

export async function evaluateSentiment(): Promise<Accuracy> {
  const result: Accuracy = {};
  for (const version of sentimentModel.versions) {
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

async function main(): Promise<void> {
  const accuracy = await evaluateSentiment();
  console.log(`| version | ${DATASETS.join(' | ')} |`);
  console.log(`|---|${DATASETS.map(() => '---').join('|')}|`);
  for (const [version, scores] of Object.entries(accuracy)) {
    console.log(`| sentiment:${version} | ${DATASETS.map((d) => scores[d].toFixed(3)).join(' | ')} |`);
  }
}

if (require.main === module) void main();
