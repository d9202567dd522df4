/**
 * Generates the typed GraphQL client (GraphQL Code Generator, client preset)
 * from the client-facing schema/api.graphql and the operations in
 * clients/operations into clients/generated. The output is committed;
 * clients/generated.test.ts fails when it drifts.
 *
 *   npm run generate:client             write clients/generated
 *   tsx scripts/generate-client.ts DIR   write into DIR instead (used by the drift test)
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { generate } from '@graphql-codegen/cli';

import { PROJECT_ROOT } from '../lib/paths';

export const CLIENT_GENERATED_DIR = path.join(PROJECT_ROOT, 'clients', 'generated');

export async function generateClient(outDir: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await generate(
    {
      cwd: PROJECT_ROOT,
      schema: 'schema/api.graphql',
      documents: 'clients/operations/*.graphql',
      silent: true,
      generates: {
        [`${outDir}${path.sep}`]: {
          preset: 'client',
          // No fragments are shared between components, so masking would only add unwrapping.
          presetConfig: { fragmentMasking: false },
          config: { useTypeImports: true, enumsAsTypes: true, scalars: { ID: 'string' } },
        },
      },
    },
    true,
  );
}

if (require.main === module) {
  generateClient(process.argv[2] ?? CLIENT_GENERATED_DIR).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
