/**
 * The labelled sentences v3 learns from: UCI "Sentiment Labelled Sentences"
 * (amazon, imdb, yelp; 500 positive + 500 negative each), shipped inside the
 * `sentiment` package's test fixtures.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const DATASETS = ['amazon', 'imdb', 'yelp'] as const;
export type Dataset = (typeof DATASETS)[number];

export interface LabelledSentence {
  readonly dataset: Dataset;
  readonly text: string;
  readonly positive: boolean;
}

export function loadDataset(name: Dataset): LabelledSentence[] {
  const file = path.join(path.dirname(require.resolve('sentiment/package.json')), 'test', 'fixtures', `${name}.json`);
  const rows = JSON.parse(readFileSync(file, 'utf8')) as { text: string; class: 0 | 1 | null }[];
  return rows.filter((r) => r.class !== null && r.text !== '').map((r) => ({ dataset: name, text: r.text, positive: r.class === 1 }));
}

/** All three sets, in a fixed order. */
export function loadSentences(): LabelledSentence[] {
  return DATASETS.flatMap(loadDataset);
}

/** sha256 of the sentences as trained on, so an artifact names the exact data behind it. */
export function sentencesHash(sentences: readonly LabelledSentence[]): string {
  return createHash('sha256').update(JSON.stringify(sentences)).digest('hex');
}
