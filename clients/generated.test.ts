import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/paths';
import { expectNoDrift } from '../test/helpers/drift';

/** In its own process: GraphQL Code Generator loads ES modules that jest's CommonJS runtime cannot. */
function generateInto(dir: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'generate-client.ts'), dir], {
    cwd: PROJECT_ROOT,
    stdio: 'pipe',
    timeout: 60_000,
  });
}

describe('generated GraphQL client', () => {
  it('matches schema/api.graphql and clients/operations exactly (run `npm run generate:client` after changing either)', () => {
    expectNoDrift(path.join(PROJECT_ROOT, 'clients', 'generated'), generateInto);
  });
});
