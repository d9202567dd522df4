/**
 * Generates the TypeScript types of proto/*.proto into lib/grpc/generated.
 * The output is committed; scripts/generate-proto.test.ts fails when it drifts.
 *
 *   npm run generate:proto            write lib/grpc/generated
 *   tsx scripts/generate-proto.ts DIR  write into DIR instead (used by the drift test)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { GENERATED_DIR, PROTO_DIR, PROTO_FILES } from '../lib/grpc/proto';
import { PROJECT_ROOT } from '../lib/paths';

export function generateProtoTypes(outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'proto-loader-gen-types');
  execFileSync(
    bin,
    [
      ...PROTO_FILES,
      '--includeComments',
      '--longs=String',
      '--enums=String',
      '--defaults',
      '--oneofs',
      '--grpcLib=@grpc/grpc-js',
      `--outDir=${outDir}`,
      // Last: it takes every argument after it as an include directory.
      `--includeDirs=${PROTO_DIR}`,
    ],
    { stdio: 'inherit', cwd: PROJECT_ROOT },
  );
  // The generator writes the absolute proto path into each header; keep the
  // output independent of where the repository is checked out.
  for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.split(`${PROTO_DIR}${path.sep}`).join('proto/'));
  }
}

if (require.main === module) {
  generateProtoTypes(process.argv[2] ?? GENERATED_DIR);
}
