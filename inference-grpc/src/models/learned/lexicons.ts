/** The two sentiment lexicons the learned model reads features from, straight out of the packages v1 and v2 use. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Lexicons {
  /** AFINN-165: word -> integer valence in [-5, 5] (npm `sentiment`). */
  readonly afinn: ReadonlyMap<string, number>;
  /** VADER: token -> mean valence in [-4, 4] (npm `vader-sentiment`). */
  readonly vader: ReadonlyMap<string, number>;
}

function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

let cached: Lexicons | undefined;

/** Both lexicons, read once per process. */
export function loadLexicons(): Lexicons {
  if (cached) return cached;
  const labels = JSON.parse(readFileSync(packageFile('sentiment', 'languages/en/labels.json'), 'utf8')) as Record<string, number>;
  const vader = new Map<string, number>();
  for (const line of readFileSync(packageFile('vader-sentiment', 'vader_lexicon.txt'), 'utf8').split('\n')) {
    const [token, mean] = line.split('\t');
    if (token && mean) vader.set(token, Number(mean));
  }
  cached = { afinn: new Map(Object.entries(labels)), vader };
  return cached;
}
