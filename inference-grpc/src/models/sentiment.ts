/**
 * Text sentiment, two versions:
 * - v1: AFINN-165 word list (npm `sentiment`); the summed word score, squashed into [-1, 1].
 * - v2: VADER (npm `vader-sentiment`); its compound score, already in [-1, 1].
 * - v3: learned linear model (see learned/), read from model-repository/sentiment/v3;
 *   its probability p of POSITIVE gives the score 2p - 1 and the confidence max(p, 1 - p).
 * Both answer POSITIVE / NEGATIVE / NEUTRAL with a score in [-1, 1] and a confidence in [0, 1].
 */
import { readSentimentArtifact, V3_DIRECTORY } from './learned/artifact';
import { featurize } from './learned/features';
import { loadLexicons } from './learned/lexicons';
import { positiveProbability } from './learned/model';
import type { LoadedModel, ModelDefinition, ModelInput, ModelOutput, SentimentLabel } from './types';

/** VADER's own normalisation constant, reused so AFINN scores land on the same scale. */
const NORMALISATION_ALPHA = 15;
/** VADER's recommended neutral band for the compound score. */
const VADER_NEUTRAL_BAND = 0.05;

function textOf(input: ModelInput): string {
  if (input.kind !== 'text') throw new Error('sentiment models take text input');
  return input.text;
}

function output(label: SentimentLabel, score: number): ModelOutput {
  const confidence = label === 'NEUTRAL' ? 1 - Math.abs(score) : 0.5 + Math.abs(score) / 2;
  return { kind: 'sentiment', label, score, confidence };
}

function textModel(score: (text: string) => ModelOutput): LoadedModel {
  return { run: (inputs) => Promise.resolve(inputs.map((input) => score(textOf(input)))) };
}

async function loadAfinn(): Promise<LoadedModel> {
  const { default: Sentiment } = await import('sentiment');
  const analyzer = new Sentiment();
  return textModel((text) => {
    const raw = analyzer.analyze(text).score;
    const label: SentimentLabel = raw > 0 ? 'POSITIVE' : raw < 0 ? 'NEGATIVE' : 'NEUTRAL';
    return output(label, raw / Math.sqrt(raw * raw + NORMALISATION_ALPHA));
  });
}

async function loadVader(): Promise<LoadedModel> {
  const { SentimentIntensityAnalyzer } = await import('vader-sentiment');
  return textModel((text) => {
    const compound = SentimentIntensityAnalyzer.polarity_scores(text).compound;
    const label: SentimentLabel = compound >= VADER_NEUTRAL_BAND ? 'POSITIVE' : compound <= -VADER_NEUTRAL_BAND ? 'NEGATIVE' : 'NEUTRAL';
    return output(label, compound);
  });
}

/** The version learned from labelled data: eval:sentiment scores it by cross-validation, not on its own training sentences. */
export const LEARNED_SENTIMENT_VERSION = 'v3';

function loadLearned(): Promise<LoadedModel> {
  const { model } = readSentimentArtifact(V3_DIRECTORY);
  const lexicons = loadLexicons();
  return Promise.resolve(
    textModel((text) => {
      const p = positiveProbability(model, featurize(text, lexicons));
      return output(p >= 0.5 ? 'POSITIVE' : 'NEGATIVE', 2 * p - 1);
    }),
  );
}

export const sentimentModel: ModelDefinition = {
  name: 'sentiment',
  description: 'Sentiment of English text: POSITIVE, NEGATIVE or NEUTRAL with a score in [-1, 1].',
  inputKind: 'TEXT',
  versions: [
    { version: 'v1', description: 'AFINN-165 word list (rule based).', load: loadAfinn },
    { version: 'v2', description: 'VADER: lexicon and rules tuned for social media text.', load: loadVader },
    {
      version: LEARNED_SENTIMENT_VERSION,
      description: 'Learned: logistic regression on words, word pairs and AFINN/VADER lexicon features (model-repository/sentiment/v3).',
      load: loadLearned,
    },
  ],
};
