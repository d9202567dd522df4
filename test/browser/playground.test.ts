/**
 * The GraphiQL playground in a real Chromium against a real stack: it loads
 * with every request answered by the supergraph itself (no CDN), runs a
 * preloaded predict, streams a subscription, and its header editor carries
 * the API key over HTTP and in graphql-ws connection_init.
 */
import type { Browser, Page } from 'playwright-core';

import { ensureUiBuilt } from '../../scripts/build-ui';
import type { Supergraph } from '../../supergraph/src/index';
import { describeBrowser, launchChromium, originOnlyPage, screenshot } from '../helpers/browser';
import { graphql } from '../../stack/graphql-client';
import { sleep } from '../../lib/until';
import { startStack, startSupergraphFor } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

const API_KEY = 'playground-admin-key-0123456789';
const SETUP_TIMEOUT_MS = 120_000;
/** How long a subscription may take to show an event while predictions keep coming. */
const EVENT_TIMEOUT_MS = 15_000;

/** Opens the playground and waits until its editors show the first example: clicks before that are lost. */
async function openPlayground(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.graphiql-query-editor', { hasText: 'query Models' }).waitFor();
}

async function openTab(page: Page, title: string, firstLine: string): Promise<void> {
  await page
    .locator('.graphiql-tab-button', { hasText: new RegExp(`^${title}$`) })
    .first()
    .click();
  await page.locator('.graphiql-query-editor', { hasText: firstLine }).waitFor();
}

async function resultText(page: Page): Promise<string> {
  return page.locator('.result-window').innerText();
}

/** Replaces the header editor's text, typing as a user would. */
async function typeHeaders(page: Page, headers: Record<string, string>): Promise<void> {
  await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
  const editor = page.locator('section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror');
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(JSON.stringify(headers));
}

/**
 * Sends predictions (each a new text, so none is a cache hit of another) until
 * the result pane shows the id of one of them: the subscription delivered it.
 */
async function predictUntilShown(page: Page, url: string, headers: Record<string, string> = {}): Promise<string> {
  const deadline = Date.now() + EVENT_TIMEOUT_MS;
  const ids: string[] = [];
  for (let n = 0; Date.now() < deadline; n += 1) {
    const sent = await graphql<{ predict: { id: string } }>(
      url,
      'mutation($input: PredictInput!) { predict(input: $input) { id } }',
      { input: { model: 'sentiment', text: `event ${n} from the test` } },
      headers,
    );
    if (sent.data?.predict.id) ids.push(sent.data.predict.id);
    await sleep(200);
    const text = await resultText(page);
    const shown = ids.find((id) => text.includes(id));
    if (shown) return shown;
  }
  throw new Error(
    `no latency event of ${ids.length} predictions appeared in the result pane within ${EVENT_TIMEOUT_MS} ms; it shows: ${await resultText(page)}`,
  );
}

describeBrowser('playground (GraphiQL served by the supergraph)', () => {
  let stack: Stack | undefined;
  let secured: Supergraph | undefined;
  let browser: Browser | undefined;
  let origin = '';

  beforeAll(async () => {
    ensureUiBuilt();
    stack = await startStack();
    origin = new URL(stack.supergraph.url).origin;
    browser = await launchChromium();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await secured?.close();
    await stack?.close();
  });

  it('opens at /graphql and at / with the example operations, and needs nothing but the supergraph', async () => {
    for (const path of ['/graphql', '/']) {
      const { page, elsewhere } = await originOnlyPage(browser!, origin);
      await openPlayground(page, `${origin}${path}`);
      expect(await page.locator('.graphiql-tab-button').allInnerTexts()).toEqual([
        'Models',
        'Predict',
        'Predict',
        'PredictBatch',
        'LatencyEvents',
      ]);
      // The schema was introspected through the gateway: the docs explorer knows Query.
      await page.locator('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]').click();
      await page.locator('.graphiql-doc-explorer', { hasText: 'Query' }).waitFor();
      expect(elsewhere).toEqual([]);
      await page.close();
    }
  });

  it('runs a preloaded predict and shows the answer with its routing and cache fields', async () => {
    const { page, elsewhere } = await originOnlyPage(browser!, origin);
    await openPlayground(page, `${origin}/graphql`);
    await openTab(page, 'Predict', 'mutation Predict');
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.result-window', { hasText: '"label": "POSITIVE"' }).waitFor();
    const text = await resultText(page);
    expect(text).toContain('"routing": "DEFAULT"');
    expect(text).toContain('"cache": "MISS"');
    expect(text).toContain('"name": "sentiment"');
    await screenshot(page, 'playground-predict');
    expect(elsewhere).toEqual([]);
    await page.close();
  });

  it('streams latency events of a subscription as predictions happen', async () => {
    const { page } = await originOnlyPage(browser!, origin);
    await openPlayground(page, `${origin}/graphql`);
    await openTab(page, 'LatencyEvents', 'subscription LatencyEvents');
    await page.locator('.graphiql-execute-button').click();
    const id = await predictUntilShown(page, stack!.supergraph.url);
    const text = await resultText(page);
    expect(text).toContain(`"predictionId": "${id}"`);
    expect(text).toContain('"modelVersion": "v1"');
    await screenshot(page, 'playground-subscription');
    await page.locator('.graphiql-execute-button').click(); // stops the subscription
    await page.close();
  });

  it('sends the API key from the header editor over HTTP and in connection_init when auth is on', async () => {
    secured = await startSupergraphFor(stack!, { API_KEYS: `playground=${API_KEY}:reader+predictor+admin` });
    const securedOrigin = new URL(secured.url).origin;
    const { page } = await originOnlyPage(browser!, securedOrigin);
    await openPlayground(page, `${securedOrigin}/graphql`);

    // Without a key: the query is refused, and the answer says so.
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.result-window', { hasText: 'UNAUTHENTICATED' }).waitFor();

    await typeHeaders(page, { 'x-api-key': API_KEY });
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.result-window', { hasText: '"defaultVersion": "v1"' }).waitFor();

    await openTab(page, 'LatencyEvents', 'subscription LatencyEvents');
    await typeHeaders(page, { 'x-api-key': API_KEY });
    await page.locator('.graphiql-execute-button').click();
    const id = await predictUntilShown(page, secured.url, { 'x-api-key': API_KEY });
    expect(await resultText(page)).toContain(`"predictionId": "${id}"`);
    await screenshot(page, 'playground-api-key');
    await page.locator('.graphiql-execute-button').click();
    await page.close();
  });
});
