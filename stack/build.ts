/**
 * `npm run build` from code: every service compiled into dist/, where
 * `npm start -- --built` and the benches run them from, as the deploy files do.
 * A whole build: an incremental one trusts its record and would not rewrite a
 * file deleted from dist/ since. Once per process: a bench that starts several
 * stacks compiles once, so its runs side by side run the same code.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/paths';

let compiled = false;

export function compileServices(): void {
  if (compiled) return;
  console.log('compiling the services into dist/ (npm run build)...');
  execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
  compiled = true;
}
