/**
 * The backends a version's manifest may name (as Triton names `python` or
 * `onnxruntime`): name → a function loading the version from its folder and
 * its verified artifact. The rule-based backends and the numeric mock take a
 * small params.json, so their checksum means something.
 */
import type { NumericCost } from '../models/numeric';
import { numericVersion } from '../models/numeric';
import { loadAfinn, loadLearned, loadVader } from '../models/sentiment';
import type { LoadedModel } from '../models/types';
import { parseJsonObject } from './validate';

export interface BackendContext {
  /** The version's folder, `<model>/<version>/`. */
  readonly directory: string;
  /** The artifact's path and bytes, already checked against the manifest's sha256. */
  readonly artifactFile: string;
  readonly artifact: Buffer;
  readonly numericCost: NumericCost;
}

export type Backend = (context: BackendContext) => Promise<LoadedModel>;

/** One number of a params.json artifact, or an error naming the file and the field. */
function param(context: BackendContext, field: string): number {
  const value = parseJsonObject(context.artifactFile, context.artifact.toString('utf8'))[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${context.artifactFile}: ${field}: expected a number`);
  return value;
}

export const BACKENDS: ReadonlyMap<string, Backend> = new Map<string, Backend>([
  ['sentiment-afinn', (c) => loadAfinn(param(c, 'normalisationAlpha'))],
  ['sentiment-vader', (c) => loadVader(param(c, 'neutralBand'))],
  ['sentiment-linear', (c) => loadLearned(c.artifactFile, c.artifact)],
  ['numeric-mock', (c) => Promise.resolve(numericVersion(param(c, 'seed'), c.numericCost))],
]);
