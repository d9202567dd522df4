/**
 * The sentiment backends (repository/backends.ts names them), one per kind of version:
 * - sentiment-afinn (v1): AFINN-165 word list (npm `sentiment`); the summed word score, squashed into [-1, 1].
 * - sentiment-vader (v2): VADER (npm `vader-sentiment`); its compound score, already in [-1, 1].
 * - sentiment-linear (v3): learned linear model (see learned/), read from its version folder;
 *   its probability p of POSITIVE gives the score 2p - 1 and the confidence max(p, 1 - p).
 * All answer POSITIVE / NEGATIVE / NEUTRAL with a score in [-1, 1] and a confidence in [0, 1].
 */
import { parseSentimentArtifact } from './learned/artifact';
import { featurize } from './learned/features';
import { loadLexicons } from './learned/lexicons';
import { positiveProbability } from './learned/model';
import type { LoadedModel, ModelInput, ModelOutput, SentimentLabel } from './types';

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

/** `alpha`: the normalisation constant squashing AFINN's sum (v1's params.json holds VADER's own, 15, so both land on one scale). */
export async function loadAfinn(alpha: number): Promise<LoadedModel> {
  const { default: Sentiment } = await import('sentiment');
  const analyzer = new Sentiment();
  return textModel((text) => {
    const raw = analyzer.analyze(text).score;
    const label: SentimentLabel = raw > 0 ? 'POSITIVE' : raw < 0 ? 'NEGATIVE' : 'NEUTRAL';
    return output(label, raw / Math.sqrt(raw * raw + alpha));
  });
}

/** `neutralBand`: compound scores within it are NEUTRAL (v2's params.json holds VADER's recommended 0.05). */
export async function loadVader(neutralBand: number): Promise<LoadedModel> {
  const { SentimentIntensityAnalyzer } = await import('vader-sentiment');
  return textModel((text) => {
    const compound = SentimentIntensityAnalyzer.polarity_scores(text).compound;
    const label: SentimentLabel = compound >= neutralBand ? 'POSITIVE' : compound <= -neutralBand ? 'NEGATIVE' : 'NEUTRAL';
    return output(label, compound);
  });
}

/** The version learned from labelled data: eval:sentiment scores it by cross-validation, not on its own training sentences. */
export const LEARNED_SENTIMENT_VERSION = 'v3';

export function loadLearned(file: string, bytes: Buffer): Promise<LoadedModel> {
  const { model } = parseSentimentArtifact(file, bytes);
  const lexicons = loadLexicons();
  return Promise.resolve(
    textModel((text) => {
      const p = positiveProbability(model, featurize(text, lexicons));
      return output(p >= 0.5 ? 'POSITIVE' : 'NEGATIVE', 2 * p - 1);
    }),
  );
}
