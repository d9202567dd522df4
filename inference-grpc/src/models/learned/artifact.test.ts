import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expectNoDrift } from '../../../../test/helpers/drift';

import { ARTIFACT_FILE, readSentimentArtifact, V3_DIRECTORY, writeSentimentArtifact } from './artifact';
import { loadSentences, sentencesHash } from './data';

describe('the committed sentiment v3 artifact', () => {
  it('is what npm run train:sentiment writes today, byte for byte (retrain and commit when this fails)', () => {
    expectNoDrift(V3_DIRECTORY, writeSentimentArtifact);
  });

  it('names the data it was trained on and its cross-validated accuracy', () => {
    const { artifact } = readSentimentArtifact(V3_DIRECTORY);
    const sentences = loadSentences();
    expect(artifact.training.data).toEqual({ sha256: sentencesHash(sentences), sentences: 3000 });
    expect(artifact.training.crossValidation.folds).toBe(10);
    expect(artifact.training.crossValidation.pooled).toBeGreaterThanOrEqual(0.88);
  });

  it('refuses to load when model.json is not the file the manifest hashed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'infergraph-v3-'));
    try {
      cpSync(V3_DIRECTORY, dir, { recursive: true });
      const file = path.join(dir, ARTIFACT_FILE);
      writeFileSync(file, readFileSync(file, 'utf8').replace('"bias": ', '"bias": 1'));
      expect(() => readSentimentArtifact(dir)).toThrow(/sha256 [0-9a-f]{64} does not match the manifest's/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
