/** Where the project's files are, from src/ and dist/ alike: the root is the folder holding proto/inference.proto. */
import { existsSync } from 'node:fs';
import path from 'node:path';

function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'proto', 'inference.proto'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`proto/inference.proto not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
