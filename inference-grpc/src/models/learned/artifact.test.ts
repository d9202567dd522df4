import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { expectNoDrift } from '../../../../test/helpers/drift';
import { copyRepository } from '../../../../test/helpers/model-repository';
import { scanRepository } from '../../repository/scan';

import { ARTIFACT_FILE, parseSentimentArtifact, V3_DIRECTORY, writeSentimentArtifact } from './artifact';
import { loadSentences, sentencesHash } from './data';

describe('the committed sentiment v3 artifact', () => {
  it('is what npm run train:sentiment writes today, byte for byte (retrain and commit when this fails)', () => {
    expectNoDrift(V3_DIRECTORY, writeSentimentArtifact);
  });

  it('names the data it was trained on and its cross-validated accuracy', () => {
    const file = path.join(V3_DIRECTORY, ARTIFACT_FILE);
    const { artifact } = parseSentimentArtifact(file, readFileSync(file));
    const sentences = loadSentences();
    expect(artifact.training.data).toEqual({ sha256: sentencesHash(sentences), sentences: 3000 });
    expect(artifact.training.crossValidation.folds).toBe(10);
    expect(artifact.training.crossValidation.pooled).toBeGreaterThanOrEqual(0.88);
  });

  it('refuses to load when model.json is not the file the manifest hashed', () => {
    const repo = copyRepository();
    try {
      const file = repo.file('sentiment', 'v3', ARTIFACT_FILE);
      writeFileSync(file, readFileSync(file, 'utf8').replace('"bias": ', '"bias": 1'));
      const v3 = scanRepository(repo.root, { batchLatencyMs: 0, itemLatencyUs: 0 })
        .find((m) => m.name === 'sentiment')
        ?.versions.find((v) => v.version === 'v3');
      expect(v3?.unavailable).toMatch(/sha256 [0-9a-f]{64} does not match the manifest's/);
    } finally {
      repo.remove();
    }
  });
});
