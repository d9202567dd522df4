/** The model repository scanned at start-up: what refuses the start, and what only fails one version. */
import fs, { renameSync, rmSync, writeFileSync } from 'node:fs';

import { status } from '@grpc/grpc-js';

import { copyRepository } from '../../../test/helpers/model-repository';
import type { RepositoryCopy } from '../../../test/helpers/model-repository';
import { failure, startInference } from '../../../test/helpers/inference';
import type { PredictInput } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import { features, listModels, predictBatch, text } from '../server.test-helpers';
import { repositorySource, scanRepository } from './scan';

const cost = { batchLatencyMs: 0, itemLatencyUs: 0 };

describe('scanRepository', () => {
  let repo: RepositoryCopy;
  beforeEach(() => {
    repo = copyRepository();
  });
  afterEach(() => repo.remove());

  it('finds both models, their versions in order, defaults and descriptions from the files', () => {
    const models = scanRepository(repo.root, cost);
    expect(models.map((m) => [m.name, m.inputKind, m.defaultVersion, m.canary, m.versions.map((v) => v.version)])).toEqual([
      ['sentiment', 'TEXT', 'v1', undefined, ['v1', 'v2', 'v3']],
      ['numeric', 'FEATURES', 'v1', undefined, ['v1', 'v2']],
    ]);
    expect(models.flatMap((m) => m.versions.filter((v) => v.unavailable !== undefined))).toEqual([]);
    expect(models[0]?.versions[1]?.description).toBe('VADER: lexicon and rules tuned for social media text.');
    // The shipped models' sample inputs, run by every version before it takes traffic.
    expect(models.map((m) => m.warmup?.map((input) => input.kind))).toEqual([
      ['text', 'text', 'text'],
      ['features', 'features'],
    ]);
  });

  it.each<[string, (r: RepositoryCopy) => void, RegExp]>([
    [
      'an unknown backend',
      (r) => r.editJson('numeric/v2/manifest.json', (m) => ({ ...m, backend: 'tensorrt' })),
      /numeric\/v2\/manifest\.json: backend: unknown backend "tensorrt"; backends are sentiment-afinn, sentiment-vader, sentiment-linear, numeric-mock/,
    ],
    [
      'a default version with no folder',
      (r) => r.editJson('sentiment/config.json', (c) => ({ ...c, defaultVersion: 'v9' })),
      /sentiment\/config\.json: defaultVersion: no version folder v9; versions are v1, v2, v3/,
    ],
    [
      'a canary naming an absent version',
      (r) => r.editJson('numeric/config.json', (c) => ({ ...c, canary: { version: 'v3', percent: 10 } })),
      /numeric\/config\.json: canary\.version: no version folder v3; versions are v1, v2/,
    ],
    [
      'a canary on the default version',
      (r) => r.editJson('numeric/config.json', (c) => ({ ...c, canary: { version: 'v1', percent: 10 } })),
      /numeric\/config\.json: canary\.version: v1 is already the default version/,
    ],
    [
      'a canary percent out of range',
      (r) => r.editJson('numeric/config.json', (c) => ({ ...c, canary: { version: 'v2', percent: 0 } })),
      /numeric\/config\.json: canary: percent: expected an integer from 1 to 100/,
    ],
    ['bad JSON', (r) => writeFileSync(r.file('sentiment/config.json'), '{ "inputKind": '), /sentiment\/config\.json: not valid JSON/],
    [
      'a wrong input kind and an unknown field',
      (r) => r.editJson('numeric/config.json', (c) => ({ ...c, inputKind: 'image', batchSize: 8 })),
      /numeric\/config\.json: batchSize: unknown field[^]*numeric\/config\.json: inputKind: expected one of text, features/,
    ],
    ['a model folder without config.json', (r) => rmSync(r.file('numeric/config.json')), /numeric\/config\.json: missing/],
    [
      'a default version outside the version policy',
      (r) => r.editJson('sentiment/config.json', (c) => ({ ...c, versionPolicy: { latest: 2 } })),
      /sentiment\/config\.json: defaultVersion: v1 is not served by versionPolicy; versions served \(versionPolicy\) are v2, v3/,
    ],
    [
      'a version policy naming no folder, or of no known shape',
      (r) => {
        r.editJson('sentiment/config.json', (c) => ({ ...c, versionPolicy: { specific: ['v1', 'v7'] } }));
        r.editJson('numeric/config.json', (c) => ({ ...c, versionPolicy: { newest: 1 } }));
      },
      /numeric\/config\.json: versionPolicy: expected "all", \{ "latest": <count> \} or \{ "specific"[^]*sentiment\/config\.json: versionPolicy: no version folder v7; folders are v1, v2, v3/,
    ],
    [
      'batching limits out of range or unknown',
      (r) =>
        r.editJson('numeric/config.json', (c) => ({ ...c, dynamicBatching: { maxBatchSize: 0, maxQueueDelayMs: 2.5, preferred: [4] } })),
      /numeric\/config\.json: dynamicBatching: preferred: unknown field[^]*dynamicBatching: maxBatchSize: expected an integer from 1 to 4096[^]*dynamicBatching: maxQueueDelayMs: expected an integer from 0 to 10000/,
    ],
    [
      'warmup inputs of the wrong kind',
      (r) => r.editJson('numeric/config.json', (c) => ({ ...c, warmup: [[1, 2], 'hello', []] })),
      /numeric\/config\.json: warmup\[1\]: expected an array of finite numbers \(the model's inputKind\)[^]*warmup\[2\]: expected an array/,
    ],
    [
      'warmup that is not a list',
      (r) => r.editJson('sentiment/config.json', (c) => ({ ...c, warmup: 'hello' })),
      /sentiment\/config\.json: warmup: expected an array of at most 32 inputs, each a non-empty string/,
    ],
    [
      'warmup of 33 inputs, one past MAX_WARMUP_INPUTS',
      (r) => r.editJson('numeric/config.json', (c) => ({ ...c, warmup: Array.from({ length: 33 }, () => [1]) })),
      /numeric\/config\.json: warmup: expected an array of at most 32 inputs/,
    ],
  ])('refuses to start on %s, naming the file and the field', (_, breakIt, expected) => {
    breakIt(repo);
    expect(() => scanRepository(repo.root, cost)).toThrow(expected);
  });

  it.each<[string, unknown, string[]]>([
    ['all', 'all', ['v1', 'v2', 'v3']],
    ['the latest two', { latest: 2 }, ['v2', 'v3']],
    ['the versions named', { specific: ['v3', 'v1'] }, ['v1', 'v3']],
  ])('serves %s of the version folders as versionPolicy says', (_, versionPolicy, served) => {
    repo.editJson('sentiment/config.json', (c) => ({ ...c, defaultVersion: 'v3', versionPolicy }));
    expect(scanRepository(repo.root, cost)[0]?.versions.map((v) => v.version)).toEqual(served);
  });

  it('takes a warmup of 32 inputs, MAX_WARMUP_INPUTS', () => {
    repo.editJson('numeric/config.json', (c) => ({ ...c, warmup: Array.from({ length: 32 }, (_, i) => [i]) }));
    expect(scanRepository(repo.root, cost)[1]?.warmup).toHaveLength(32);
  });

  it('refuses a MODEL_REPOSITORY that is not a directory', () => {
    expect(() => scanRepository(repo.file('nowhere'), cost)).toThrow(/MODEL_REPOSITORY: .*nowhere is not a directory/);
  });

  it.each<[string, (r: RepositoryCopy) => void, RegExp]>([
    [
      'an artifact that fails its sha256',
      (r) => writeFileSync(r.file('numeric/v2/params.json'), '{ "seed": 3 }\n'),
      /numeric\/v2\/params\.json: sha256 [0-9a-f]{64} does not match the manifest's [0-9a-f]{64}/,
    ],
    ['a missing artifact', (r) => rmSync(r.file('numeric/v2/params.json')), /numeric\/v2\/params\.json: artifact missing/],
    ['a missing manifest', (r) => rmSync(r.file('numeric/v2/manifest.json')), /numeric\/v2\/manifest\.json: missing/],
    ['a corrupt manifest', (r) => writeFileSync(r.file('numeric/v2/manifest.json'), '{'), /numeric\/v2\/manifest\.json: not valid JSON/],
  ])('marks only that version unavailable on %s', (_, breakIt, reason) => {
    breakIt(repo);
    const versions = scanRepository(repo.root, cost).flatMap((m) => m.versions.map((v) => [`${m.name}:${v.version}`, v.unavailable]));
    expect(versions.filter(([, unavailable]) => unavailable !== undefined)).toEqual([
      ['numeric:v2', expect.stringMatching(new RegExp(`^${reason.source}`))],
    ]);
  });
});

describe('inference-grpc over a repository copy', () => {
  it('serves a version FAILED with its reason while the others answer, and loads it once the artifact is fixed', async () => {
    const repo = copyRepository();
    writeFileSync(repo.file('sentiment/v2/params.json'), '{ "neutralBand": 0.5 }\n');
    const f = await startInference({ MODEL_REPOSITORY: repo.root, MODEL_LOAD_RETRY_MS: '0' });
    try {
      const sentiment = (await listModels(f)).models.find((m) => m.name === 'sentiment');
      expect(sentiment?.versions.map((v) => [v.version, v.state])).toEqual([
        ['v1', 'UNLOADED'],
        ['v2', 'FAILED'],
        ['v3', 'UNLOADED'],
      ]);
      expect(sentiment?.versions[1]?.loadError).toMatch(/^sentiment\/v2\/params\.json: sha256 [0-9a-f]{64} does not match the manifest's/);
      expect(await failure(f.predict('sentiment', text('good'), { version: 'v2' }))).toMatchObject({
        grpc: status.UNAVAILABLE,
        code: 'INFERENCE_UNAVAILABLE',
        message: expect.stringMatching(
          /sentiment:v2 failed to load \(sentiment\/v2\/params\.json: sha256 [0-9a-f]{64} does not match the manifest's/,
        ),
      });
      await expect(f.predict('sentiment', text('good'), { version: 'v3' })).resolves.toMatchObject({ prediction: { modelVersion: 'v3' } });
      await expect(f.predict('numeric', features([1]), { version: 'v2' })).resolves.toBeDefined();
      writeFileSync(repo.file('sentiment/v2/params.json'), '{\n  "neutralBand": 0.05\n}\n');
      await expect(f.predict('sentiment', text('good'), { version: 'v2' })).resolves.toMatchObject({ prediction: { modelVersion: 'v2' } });
    } finally {
      await f.close();
      repo.remove();
    }
  });

  it('refuses to start on a broken config.json', async () => {
    const repo = copyRepository();
    repo.editJson('sentiment/config.json', (c) => ({ ...c, defaultVersion: 'v4' }));
    try {
      await expect(startInference({ MODEL_REPOSITORY: repo.root })).rejects.toThrow(/defaultVersion: no version folder v4/);
    } finally {
      repo.remove();
    }
  });

  it("runs a model's batches within its own dynamicBatching limits, and the others within BATCH_MAX_SIZE", async () => {
    const repo = copyRepository();
    repo.editJson('numeric/config.json', (c) => ({ ...c, dynamicBatching: { maxBatchSize: 2 } }));
    const f = await startInference({ MODEL_REPOSITORY: repo.root, BATCH_MAX_SIZE: '8', BATCH_MAX_DELAY_MS: '50' });
    try {
      const sizes = async (model: string, inputs: PredictInput[]): Promise<number[]> =>
        (await predictBatch(f, model, inputs)).items.map((i) => i.prediction?.batchSize ?? 0);
      expect(
        await sizes(
          'numeric',
          [1, 2, 3, 4, 5].map((n) => features([n])),
        ),
      ).toEqual([2, 2, 2, 2, 1]);
      expect(await sizes('sentiment', ['a', 'b', 'c', 'd', 'e'].map(text))).toEqual([5, 5, 5, 5, 5]);
    } finally {
      await f.close();
      repo.remove();
    }
  });

  it('seeds the policy from config.json, and DEFAULT_MODEL_VERSIONS and CANARY override it', async () => {
    const repo = copyRepository();
    repo.editJson('sentiment/config.json', (c) => ({ ...c, defaultVersion: 'v3', canary: { version: 'v2', percent: 20 } }));
    repo.editJson('numeric/config.json', (c) => ({ ...c, canary: { version: 'v2', percent: 10 } }));
    const fromFiles = await startInference({ MODEL_REPOSITORY: repo.root });
    const overridden = await startInference({
      MODEL_REPOSITORY: repo.root,
      DEFAULT_MODEL_VERSIONS: 'numeric:v2',
      CANARY: 'sentiment:v1:5',
    });
    try {
      const policy = async (f: typeof fromFiles): Promise<unknown[]> =>
        (await listModels(f)).models.map((m) => [m.name, m.defaultVersion, m.canary?.version, m.canary?.percent]);
      expect(await policy(fromFiles)).toEqual([
        ['sentiment', 'v3', 'v2', 20],
        ['numeric', 'v1', 'v2', 10],
      ]);
      expect(await policy(overridden)).toEqual([
        ['sentiment', 'v3', 'v1', 5],
        ['numeric', 'v2', undefined, undefined],
      ]);
    } finally {
      await fromFiles.close();
      await overridden.close();
      repo.remove();
    }
  });
});

describe('repositorySource: the repository a version folder at a time, after start-up', () => {
  let repo: RepositoryCopy;
  beforeEach(() => {
    repo = copyRepository();
  });
  afterEach(() => repo.remove());

  it('finds a folder dropped in since, and scans it afresh, a broken one with the reason', () => {
    const source = repositorySource(repo.root, cost, scanRepository(repo.root, cost));
    repo.addVersion('sentiment', 'v4', 'v2');
    repo.addVersion('sentiment', 'v5', 'v2', '{ "neutralBand": 0.1 }\n');
    writeFileSync(repo.file('sentiment/v5/params.json'), '{ "neutralBand": 0.2 }\n');
    expect(source.versionFolders('sentiment')).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
    const v4 = source.scanVersion('sentiment', 'v4');
    expect([v4?.version, v4?.unavailable]).toEqual(['v4', undefined]);
    expect(source.scanVersion('sentiment', 'v5')?.unavailable).toMatch(/sentiment\/v5\/params\.json: sha256 [0-9a-f]{64} does not match/);
    expect(source.scanVersion('sentiment', 'v9')).toBeUndefined();
  });

  it("sees only the folders the model's versionPolicy serves", () => {
    repo.editJson('numeric/config.json', (c) => ({ ...c, versionPolicy: { specific: ['v1', 'v2'] } }));
    const source = repositorySource(repo.root, cost, scanRepository(repo.root, cost));
    repo.addVersion('numeric', 'v3', 'v2');
    expect(source.versionFolders('numeric')).toEqual(['v1', 'v2']);
    expect(source.scanVersion('numeric', 'v3')).toBeUndefined();
  });
  it('finds no version when its folder is removed between being listed and being read (no raw ENOENT naming the host path)', () => {
    const source = repositorySource(repo.root, cost, scanRepository(repo.root, cost));
    const list = fs.readdirSync.bind(fs) as (directory: string, options: { withFileTypes: true }) => fs.Dirent[];
    // The folder goes right after the model's folders were listed.
    const listed = jest.spyOn(fs, 'readdirSync').mockImplementation(((directory: string, options: { withFileTypes: true }) => {
      const entries = list(directory, options);
      if (directory === repo.file('numeric')) renameSync(repo.file('numeric', 'v2'), repo.file('removed-v2'));
      return entries;
    }) as typeof fs.readdirSync);
    try {
      expect(source.scanVersion('numeric', 'v2')).toBeUndefined();
    } finally {
      listed.mockRestore();
    }
  });
});
