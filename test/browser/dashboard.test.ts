/**
 * The dashboard in a real Chromium against a real stack: the models table
 * from the registry, a prediction sent from the form with its answer, the
 * latency chart and the table following it, and the canary slider changing
 * the registry, read back through GraphQL.
 */
import type { Browser, Page } from 'playwright-core';

import { until } from '../../lib/until';
import { ensureUiBuilt } from '../../scripts/build-ui';
import type { Supergraph } from '../../supergraph/src/index';
import { describeBrowser, launchChromium, originOnlyPage, screenshot } from '../helpers/browser';
import { graphql } from '../../stack/graphql-client';
import { startStack, startSupergraphFor } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

const SETUP_TIMEOUT_MS = 120_000;
const ADMIN_KEY = 'dashboard-admin-key-0123456789';
const READER_KEY = 'dashboard-reader-key-0123456789';

interface Policy {
  models: { name: string; canary: { version: string; percent: number } | null }[];
}

function row(page: Page, model: string): ReturnType<Page['locator']> {
  return page.locator(`table[aria-label="models"] tr[data-model="${model}"]`);
}

describeBrowser('dashboard (React, served by the supergraph)', () => {
  let stack: Stack | undefined;
  let secured: Supergraph | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let elsewhere: string[] = [];

  beforeAll(async () => {
    ensureUiBuilt();
    stack = await startStack();
    browser = await launchChromium();
    ({ page, elsewhere } = await originOnlyPage(browser, new URL(stack.supergraph.url).origin));
    await page.goto(new URL('/dashboard', stack.supergraph.url).href);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await secured?.close();
    await stack?.close();
  });

  it('lists the models of the registry, nothing loaded yet and no canary', async () => {
    const p = page!;
    await row(p, 'sentiment').waitFor();
    const text = await row(p, 'sentiment').innerText();
    expect(text).toContain('v1 unloaded');
    expect(text).toContain('v2 unloaded');
    expect(text).toContain('v3 unloaded');
    expect(text).toContain('none');
    await row(p, 'numeric').waitFor();
    await p.getByText('latency events: live').waitFor();
    await p.getByText('No latency events yet').waitFor();
    expect(elsewhere).toEqual([]);
  });

  it('sends a prediction and shows the answer, a point on the chart and the version now loaded', async () => {
    const p = page!;
    await p.locator('form[aria-label="prediction"] textarea').fill('I love how clear this dashboard is');
    await p.getByRole('button', { name: 'Predict' }).click();
    const answer = p.locator('[aria-label="prediction answer"]');
    await answer.waitFor();
    const text = await answer.innerText();
    expect(text).toContain('POSITIVE');
    expect(text).toMatch(/routing\s+DEFAULT/);
    expect(text).toMatch(/cache\s+MISS/);
    expect(text).toMatch(/model version\s+v1/);

    // The latency event came back over the subscription and was drawn.
    await p.locator('svg[aria-label="latency chart"] g[data-series="sentiment:v1"] circle').first().waitFor();
    await p.getByText(/sentiment v1: p50 [\d.]+ ms, p95 [\d.]+ ms \(1 in window\)/).waitFor();
    // The table was read again: the lazily loaded version shows as loaded.
    await row(p, 'sentiment').getByText('v1 loaded').waitFor();

    // A numeric prediction adds a second series.
    await p.locator('form[aria-label="prediction"] select').first().selectOption('numeric');
    await p.locator('form[aria-label="prediction"] input').first().fill('1, 2, 3');
    await p.getByRole('button', { name: 'Predict' }).click();
    await p.locator('svg[aria-label="latency chart"] g[data-series="numeric:v1"] circle').first().waitFor();
    // The event over the subscription and the mutation's own answer race: wait for the answer, do not read it once.
    const shown = (): Promise<string> => p.locator('[aria-label="prediction answer"]').innerText();
    await until(async () => /class\s+\d/.test(await shown()), 'the numeric answer shown', 15_000);
    expect(await shown()).toMatch(/class\s+\d/);
    await screenshot(p, 'dashboard-prediction');
  });

  it('moves the canary slider and the registry follows', async () => {
    const p = page!;
    const slider = p.getByLabel('canary percent of sentiment');
    await slider.focus();
    // Two steps of 5: the slider sends once it rests.
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('ArrowRight');
    await row(p, 'sentiment').getByText('saved: v2 at 10%').waitFor();
    await row(p, 'sentiment').getByText('v2 at 10%', { exact: true }).waitFor();

    const policy = await stack!.query<Policy>('{ models { name canary { version percent } } }');
    expect(policy.data?.models.find((m) => m.name === 'sentiment')?.canary).toEqual({ version: 'v2', percent: 10 });
    expect(policy.data?.models.find((m) => m.name === 'numeric')?.canary).toBeNull();
    await screenshot(p, 'dashboard-canary');

    // Back to zero ends the canary.
    await slider.focus();
    await p.keyboard.press('Home');
    await row(p, 'sentiment').getByText('saved: no canary').waitFor();
    const after = await stack!.query<Policy>('{ models { name canary { version percent } } }');
    expect(after.data?.models.find((m) => m.name === 'sentiment')?.canary).toBeNull();
    expect(elsewhere).toEqual([]);
  });

  it('with auth on, works only with an API key, and moves the canary only for an admin', async () => {
    secured = await startSupergraphFor(stack!, { API_KEYS: `ops=${ADMIN_KEY}:reader+predictor+admin,viewer=${READER_KEY}:reader` });
    const { page: p } = await originOnlyPage(browser!, new URL(secured.url).origin);
    await p.goto(new URL('/dashboard', secured.url).href);
    await p.getByText(/no credentials: .*\(UNAUTHENTICATED\)/).waitFor();

    await p.getByLabel('API key').fill(READER_KEY);
    await row(p, 'numeric').waitFor();
    await p.getByText('latency events: live').waitFor();
    const numericSlider = p.getByLabel('canary percent of numeric');
    await numericSlider.focus();
    await p.keyboard.press('ArrowRight');
    await row(p, 'numeric')
      .getByText(/setTrafficPolicy needs the admin role; viewer has reader \(FORBIDDEN\)/)
      .waitFor();
    const unchanged = await graphql<Policy>(secured.url, '{ models { name canary { version percent } } }', {}, { 'x-api-key': ADMIN_KEY });
    expect(unchanged.data?.models.find((m) => m.name === 'numeric')?.canary).toBeNull();

    await p.getByLabel('API key').fill(ADMIN_KEY);
    await p.getByLabel('canary percent of numeric').focus();
    await p.keyboard.press('ArrowRight');
    await row(p, 'numeric')
      .getByText(/saved: v2 at \d+%/)
      .waitFor();
    const changed = await graphql<Policy>(secured.url, '{ models { name canary { version percent } } }', {}, { 'x-api-key': ADMIN_KEY });
    expect(changed.data?.models.find((m) => m.name === 'numeric')?.canary?.version).toBe('v2');
    await screenshot(p, 'dashboard-api-key');
    await p.close();
  });
});
