/** Temporary copies of the model repository, for tests that break one on purpose (never the real one). */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DEFAULT_MODEL_REPOSITORY } from '../../inference-grpc/src/index';

export interface RepositoryCopy {
  readonly root: string;
  /** Path of a file inside the copy. */
  file(...parts: string[]): string;
  /** Rewrites a JSON file of the copy. */
  editJson(relative: string, edit: (json: Record<string, unknown>) => Record<string, unknown>): void;
  /**
   * Adds `<model>/<version>/` as a copy of the version folder `from`, its artifact replaced by `artifact` when
   * given (the manifest's sha256 made to match), as an operator drops a new version into a running repository.
   */
  addVersion(model: string, version: string, from: string, artifact?: string): void;
  remove(): void;
}

export function copyRepository(): RepositoryCopy {
  const root = mkdtempSync(path.join(tmpdir(), 'infergraph-repository-'));
  cpSync(DEFAULT_MODEL_REPOSITORY, root, { recursive: true });
  const file = (...parts: string[]): string => path.join(root, ...parts);
  return {
    root,
    file,
    editJson: (relative, edit) => {
      const json = JSON.parse(readFileSync(file(relative), 'utf8')) as Record<string, unknown>;
      writeFileSync(file(relative), JSON.stringify(edit(json), null, 2));
    },
    addVersion: (model, version, from, artifact) => {
      cpSync(file(model, from), file(model, version), { recursive: true });
      if (artifact === undefined) return;
      const manifestFile = file(model, version, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { artifact: string; sha256: string };
      writeFileSync(file(model, version, manifest.artifact), artifact);
      manifest.sha256 = createHash('sha256').update(artifact).digest('hex');
      writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
