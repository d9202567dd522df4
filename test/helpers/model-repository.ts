/** Temporary copies of the model repository, for tests that break one on purpose (never the real one). */
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
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
