/** Where the .proto sources and their generated types live, from src/ and dist/ alike. */
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
export const PROTO_DIR = path.join(PROJECT_ROOT, 'proto');
export const PROTO_FILES = ['inference.proto', 'open_inference.proto'] as const;
export const INFERENCE_PROTO = path.join(PROTO_DIR, 'inference.proto');
/** Open Inference Protocol v2 (package `inference`). */
export const OPEN_INFERENCE_PROTO = path.join(PROTO_DIR, 'open_inference.proto');
export const GENERATED_DIR = path.join(PROJECT_ROOT, 'lib', 'grpc', 'generated');
