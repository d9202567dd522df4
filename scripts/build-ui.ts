/**
 * Builds the playground and the dashboard (vite.config.mts) into ui/dist,
 * which the supergraph serves and git ignores. `ensureUiBuilt` builds only
 * when the build is missing or older than its sources: `npm start` and the
 * browser tests call it, so a fresh clone needs no extra step.
 *
 *   npm run build:ui   build now
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from '../lib/paths';

export const UI_BUILD_DIR = path.join(PROJECT_ROOT, 'ui', 'dist');
/** Written after a build succeeds: its time is the build's. */
const STAMP = path.join(UI_BUILD_DIR, '.built');
/** What the build is made from; a change to any of them makes it stale. */
const SOURCES = [
  'ui/playground',
  'ui/dashboard',
  'ui/tsconfig.json',
  'clients/operations',
  'clients/generated',
  'clients/transport.ts',
  'vite.config.mts',
  'package-lock.json',
];

function newestChange(file: string): number {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((name) => newestChange(path.join(file, name))));
}

/** Why the build must run, or undefined when it is current. */
export function uiBuildStaleness(): string | undefined {
  if (!existsSync(STAMP)) return 'ui/dist has no build';
  const built = statSync(STAMP).mtimeMs;
  const changed = SOURCES.find((source) => newestChange(path.join(PROJECT_ROOT, source)) > built);
  return changed === undefined ? undefined : `${changed} changed since the last build`;
}

export function buildUi(): void {
  execFileSync(
    process.execPath,
    [path.join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.config.mts'],
    {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
    },
  );
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

/** Builds when the build is missing or stale; answers why it built, or undefined. */
export function ensureUiBuilt(): string | undefined {
  const reason = uiBuildStaleness();
  if (reason !== undefined) buildUi();
  return reason;
}

/** npm start's: builds when stale; the API works without the pages, so a failed build is reported, not fatal. */
export function buildUiIfStale(): void {
  const stale = uiBuildStaleness();
  if (stale === undefined) return;
  console.log(`building the playground and dashboard (${stale})...`);
  try {
    buildUi();
  } catch (err) {
    console.error(
      `the UI build failed (${err instanceof Error ? err.message : String(err)}); GraphQL still starts, run npm run build:ui to retry`,
    );
  }
}

if (require.main === module) {
  buildUi();
  console.log(`built the playground and dashboard into ${path.relative(PROJECT_ROOT, UI_BUILD_DIR)}/`);
}
