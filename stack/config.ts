/**
 * Settings of the harness that starts the stack for tests and benchmarks (stack/, test/helpers/, bench/): read once
 * here, documented in the README's configuration table like each service's. The services' own settings stay in
 * their config modules; the harness hands children only what it means to (PATH and the env it is given).
 */
import { bool, int, readConfig, str } from '../lib/config';
import type { ConfigOf, Env } from '../lib/config';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const harnessSettings = {
  redisUrl: str('REDIS_URL', DEFAULT_REDIS_URL, 'The Redis tests and benchmarks use, each under a fresh key prefix.'),
  ci: bool('CI', false, 'Tests that need Redis or Chromium fail when it is missing, instead of being skipped with a warning.'),
  chromiumPath: str('CHROMIUM_PATH', '/usr/bin/chromium', 'Chromium the browser tests drive.'),
  path: str('PATH', '', 'Search path handed to every process the harness starts (nothing else of its environment is).'),
  soakRequests: int('SOAK_REQUESTS', 3000, 'Mixed HTTP requests of test/faults/soak.test.ts.', { min: 100, max: 1_000_000 }),
  soakWsCycles: int('SOAK_WS_CYCLES', 100, 'graphql-ws connect / subscribe / disconnect cycles of test/faults/soak.test.ts.', {
    min: 10,
    max: 100_000,
  }),
};

export type HarnessConfig = ConfigOf<typeof harnessSettings>;

export function loadHarnessConfig(env: Env = process.env): HarnessConfig {
  return readConfig(env, harnessSettings);
}

/** This process's harness settings, read on first use. */
let loaded: HarnessConfig | undefined;
export function harnessConfig(): HarnessConfig {
  loaded ??= loadHarnessConfig();
  return loaded;
}
