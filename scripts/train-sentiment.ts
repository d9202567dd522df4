/**
 * `npm run train:sentiment [-- --out <dir>]`: trains sentiment v3 (the learned
 * linear model) on the UCI labelled sentences and writes model.json and
 * manifest.json to model-repository/sentiment/v3/ (or <dir>). Deterministic:
 * the same data and code write the same bytes.
 */
import { parseArgs } from 'node:util';

import { V3_DIRECTORY, writeSentimentArtifact } from '../inference-grpc/src/index';

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string', default: V3_DIRECTORY } } });
  const started = performance.now();
  writeSentimentArtifact(values.out);
  console.log(`sentiment v3 written to ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) main();
