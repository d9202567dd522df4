/**
 * Browser tests with Debian's Chromium driven by playwright-core.
 *
 * Like the Redis tests: without Chromium the suite is skipped with a loud
 * warning, except in CI (CI=true) where it fails instead, so a missing
 * browser never passes unnoticed (.ci/run installs it). Screenshots go to
 * test-artifacts/browser/, which git ignores.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

import { PROJECT_ROOT } from '../../lib/paths';
import { harnessConfig } from '../../stack/config';

const CHROMIUM = harnessConfig().chromiumPath;
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LAUNCH_TIMEOUT_MS = 30_000;
export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'test-artifacts', 'browser');

/** `describe` for tests that need Chromium: runs them when it is installed, fails in CI when not, skips loudly otherwise. */
export function describeBrowser(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, fn);
    return;
  }
  if (harnessConfig().ci) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`Chromium is not at ${CHROMIUM}; CI requires it. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
      });
    });
    return;
  }
  console.warn(
    `\n*** Browser tests SKIPPED: "${name}" ***\n` +
      `*** Chromium is not at ${CHROMIUM}. ***\n` +
      `*** Install it (apt-get install -y chromium) or set CHROMIUM_PATH to run them; with CI=true they fail instead. ***\n`,
  );
  describe.skip(name, fn);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: LAUNCH_TIMEOUT_MS });
}

/**
 * A page that may talk only to `origin`: any request elsewhere (a CDN, a font
 * service) is aborted and recorded, so a test can show the page needs no network.
 */
export async function originOnlyPage(browser: Browser, origin: string): Promise<{ page: Page; elsewhere: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
  const elsewhere: string[] = [];
  await page.route(
    (url) => url.origin !== origin && url.protocol !== 'data:',
    (route) => {
      elsewhere.push(route.request().url());
      return route.abort();
    },
  );
  return { page, elsewhere };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}
