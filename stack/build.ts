/**
 * `npm run build` from code: every service compiled into dist/, where
 * `npm start -- --built` and the benches run them from, as the deploy files do.
 * A whole build every time: an incremental one trusts its record and would not
 * rewrite a file deleted from dist/ since.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/paths';

export function compileServices(): void {
  console.log('compiling the services into dist/ (npm run build)...');
  execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
}
