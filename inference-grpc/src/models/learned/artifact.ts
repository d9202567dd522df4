/**
 * v3's files in the model repository: `model.json` (weights and how they were
 * made) and `manifest.json` ({ format, backend, artifact, sha256, description }, see repository/validate.ts). Written
 * byte-for-byte the same every run: fixed key order, weights sorted by feature
 * name, numbers rounded to 6 significant digits, no timestamps.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from '../../../../lib/paths';
import { MANIFEST_FILE } from '../../repository/validate';
import type { Manifest } from '../../repository/validate';

import { loadSentences, sentencesHash } from './data';
import { crossValidateSentiment } from './evaluate';
import type { CrossValidation } from './evaluate';
import { featurize, FEATURE_VERSION } from './features';
import { loadLexicons } from './lexicons';
import type { LogisticOptions } from './logistic';
import { trainSentiment, TRAINING_OPTIONS } from './model';
import type { LearnedSentiment } from './model';

export const ARTIFACT_FORMAT = 'infergraph-linear-sentiment';
export const ARTIFACT_FORMAT_VERSION = 1;
export const ARTIFACT_FILE = 'model.json';
/** v3's backend in repository/backends.ts, and its description in the manifest. */
export const ARTIFACT_BACKEND = 'sentiment-linear';
const DESCRIPTION = 'Learned: logistic regression on words, word pairs and AFINN/VADER lexicon features.';
/** Where v3 lives: model-repository/<model>/<version>/. */
export const V3_DIRECTORY = path.join(PROJECT_ROOT, 'model-repository', 'sentiment', 'v3');

export interface SentimentArtifact {
  readonly format: string;
  readonly formatVersion: number;
  readonly featureVersion: number;
  readonly training: {
    readonly data: { readonly sha256: string; readonly sentences: number };
    readonly options: LogisticOptions;
    readonly crossValidation: CrossValidation;
  };
  readonly bias: number;
  readonly afinnWeight: number;
  readonly weights: Readonly<Record<string, number>>;
}

const round = (x: number): number => {
  const rounded = Number(x.toPrecision(6));
  return rounded === 0 ? 0 : rounded;
};

function roundAll<T extends Record<string, number>>(values: T): T {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, round(v)])) as T;
}

/** Trains v3 on every sentence (after cross-validating it) and answers the two files' contents. */
export function buildSentimentArtifact(): { model: string; manifest: string } {
  const sentences = loadSentences();
  const lexicons = loadLexicons();
  const cv = crossValidateSentiment(sentences);
  const model = trainSentiment(
    sentences.map((s) => featurize(s.text, lexicons)),
    sentences.map((s) => s.positive),
  );
  const artifact: SentimentArtifact = {
    format: ARTIFACT_FORMAT,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    featureVersion: FEATURE_VERSION,
    training: {
      data: { sha256: sentencesHash(sentences), sentences: sentences.length },
      options: TRAINING_OPTIONS,
      crossValidation: { folds: cv.folds, seed: cv.seed, pooled: round(cv.pooled), datasets: roundAll(cv.datasets) },
    },
    bias: round(model.bias),
    afinnWeight: round(model.afinnWeight),
    weights: Object.fromEntries([...model.weights.keys()].sort().map((name) => [name, round(model.weights.get(name) ?? 0)])),
  };
  const text = `${JSON.stringify(artifact, null, 1)}\n`;
  const manifest: Manifest = {
    format: ARTIFACT_FORMAT,
    backend: ARTIFACT_BACKEND,
    artifact: ARTIFACT_FILE,
    sha256: sha256(text),
    description: DESCRIPTION,
  };
  return { model: text, manifest: `${JSON.stringify(manifest, null, 2)}\n` };
}

export function writeSentimentArtifact(directory: string): void {
  const { model, manifest } = buildSentimentArtifact();
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, ARTIFACT_FILE), model);
  writeFileSync(path.join(directory, MANIFEST_FILE), manifest);
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * v3 from its artifact's bytes, which the repository scanner has checked against the manifest's sha256
 * (repository/scan.ts); refuses a format this code does not speak.
 */
export function parseSentimentArtifact(file: string, bytes: Buffer): { artifact: SentimentArtifact; model: LearnedSentiment } {
  const artifact = JSON.parse(bytes.toString('utf8')) as SentimentArtifact;
  if (
    artifact.format !== ARTIFACT_FORMAT ||
    artifact.formatVersion !== ARTIFACT_FORMAT_VERSION ||
    artifact.featureVersion !== FEATURE_VERSION
  ) {
    throw new Error(
      `${file}: format ${artifact.format} v${artifact.formatVersion} with features v${artifact.featureVersion}, ` +
        `expected ${ARTIFACT_FORMAT} v${ARTIFACT_FORMAT_VERSION} with features v${FEATURE_VERSION}; retrain with npm run train:sentiment`,
    );
  }
  const model: LearnedSentiment = {
    bias: artifact.bias,
    afinnWeight: artifact.afinnWeight,
    weights: new Map(Object.entries(artifact.weights)),
  };
  return { artifact, model };
}
