/**
 * How the learned sentiment model sees a sentence; the trainer and the served
 * model both call `featurize`, so they cannot drift apart.
 *
 * - Lowercase tokens: words (apostrophes kept) and the punctuation that ends a clause.
 * - Negation marking: after not/no/never/...n't, words are prefixed `NOT_` until punctuation.
 * - Binary presence of each (marked) word and each adjacent pair.
 * - Lexicon buckets: one token per AFINN and per VADER word, named by its
 *   (negation-flipped) valence rounded to an integer, so rare words share weight.
 * - The summed AFINN valence, squashed, as one real-valued feature.
 */
import type { Lexicons } from './lexicons';

/** Bumped whenever featurization changes: an artifact trained on another version must not load. */
export const FEATURE_VERSION = 1;

const TOKEN = /[a-z0-9]+(?:'[a-z]+)*|[.,!?;:]/g;
const CLAUSE_END = /^[.,!?;:]$/;
const NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'nor', 'none', 'nothing', 'nobody', 'nowhere', 'neither', 'without', 'cannot', 'hardly',
  'cant', 'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'wont', 'wouldnt', 'couldnt', 'shouldnt', 'havent', 'hasnt', 'hadnt', 'aint',
]); // prettier-ignore
/** Scale of the summed AFINN valence before squashing (VADER's normalisation constant). */
const AFINN_ALPHA = 15;

export interface Featurized {
  /** Names of the binary features present, without duplicates. */
  readonly names: readonly string[];
  /** The summed AFINN valence squashed into (-1, 1). */
  readonly afinn: number;
}

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

const isNegator = (token: string): boolean => NEGATORS.has(token) || token.endsWith("n't");

export function featurize(text: string, lexicons: Lexicons): Featurized {
  const names = new Set<string>();
  let afinnSum = 0;
  let negated = false;
  let previous = '<s>';
  for (const token of tokenize(text)) {
    if (CLAUSE_END.test(token)) {
      negated = false;
      names.add(`w:${token}`);
      names.add(`b:${previous} ${token}`);
      previous = token;
      continue;
    }
    const marked = negated ? `NOT_${token}` : token;
    const sign = negated ? -1 : 1;
    names.add(`w:${marked}`);
    names.add(`b:${previous} ${marked}`);
    const afinn = lexicons.afinn.get(token);
    if (afinn !== undefined) {
      names.add(`a:${sign * afinn}`);
      afinnSum += sign * afinn;
    }
    const vader = lexicons.vader.get(token);
    if (vader !== undefined) names.add(`v:${Math.round(sign * vader)}`);
    if (isNegator(token)) negated = true;
    previous = marked;
  }
  return { names: [...names], afinn: afinnSum / Math.sqrt(afinnSum * afinnSum + AFINN_ALPHA) };
}
