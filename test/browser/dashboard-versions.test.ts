/**
 * The dashboard's per-version panel in a real Chromium against a real stack: the requests figure of a version moving
 * as predictions flow, with its charts and the canary split served; an admin unloading and loading a version from its
 * buttons, read back through GraphQL; the default version's Unload disabled with the reason; and, with auth on, no
 * buttons for a caller without the admin role. numeric v2's artifact is corrupted in a repository copy, so it is FAILED
 * with its reason, and a load of it fails beside its buttons with the error's code.
 */
import { writeFileSync } from 'node:fs';

import type { Browser, Page, Response } from 'playwright-core';

import { until } from '../../lib/until';
import { ensureUiBuilt } from '../../scripts/build-ui';
import type { Supergraph } from '../../supergraph/src/index';
import { describeBrowser, launchChromium, originOnlyPage, screenshot } from '../helpers/browser';
import { copyRepository } from '../helpers/model-repository';
import type { RepositoryCopy } from '../helpers/model-repository';
import { startStack, startSupergraphFor } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

const SETUP_TIMEOUT_MS = 120_000;
const ADMIN_KEY = 'versions-admin-key-0123456789';
const READER_KEY = 'versions-reader-key-0123456789';
const PREDICTIONS = 20;

interface Versions {
  models: { name: string; versions: { version: string; state: string }[] }[];
}

function versionRow(page: Page, model: string, version: string): ReturnType<Page['locator']> {
  return page.locator(`table[aria-label="versions of ${model}"] tr[data-version="${version}"]`);
}

async function requestsShown(page: Page, model: string, version: string): Promise<number> {
  return Number(await versionRow(page, model, version).locator('[data-stat="requests"]').innerText());
}

describeBrowser('dashboard per-version panel', () => {
  let repo: RepositoryCopy | undefined;
  let stack: Stack | undefined;
  let secured: Supergraph | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let elsewhere: string[] = [];

  const stateOf = async (model: string, version: string): Promise<string | undefined> => {
    const answer = await stack!.query<Versions>('{ models { name versions { version state } } }');
    return answer.data?.models.find((m) => m.name === model)?.versions.find((v) => v.version === version)?.state;
  };

  /** Routed by the traffic policy with a routing key, or sent to `version` when one is given. */
  const predict = async (text: string, route: { routingKey: string } | { version: string }): Promise<void> => {
    const answer = await stack!.query('mutation($input: PredictInput!) { predict(input: $input) { id } }', {
      input: { model: 'sentiment', text, cache: 'BYPASS', ...route },
    });
    expect(answer.errors).toBeUndefined();
  };

  beforeAll(async () => {
    ensureUiBuilt();
    repo = copyRepository();
    writeFileSync(repo.file('numeric/v2/params.json'), '{ "seed": 7 }\n');
    stack = await startStack({ inferenceEnv: { MODEL_REPOSITORY: repo.root } });
    browser = await launchChromium();
    ({ page, elsewhere } = await originOnlyPage(browser, new URL(stack.supergraph.url).origin));
    await page.goto(new URL('/dashboard', stack.supergraph.url).href);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await secured?.close();
    await stack?.close();
    repo?.remove();
  });

  it('shows the requests of each version move as predictions flow, with its charts and the canary split served', async () => {
    const p = page!;
    await versionRow(p, 'sentiment', 'v1').waitFor();
    expect(await requestsShown(p, 'sentiment', 'v1')).toBe(0);
    const policy = await stack!.query(
      'mutation { setTrafficPolicy(input: { model: "sentiment", canary: { version: "v2", percent: 50 } }) { name } }',
    );
    expect(policy.errors).toBeUndefined();

    // The split counts latency events: first see one reach the page, so none of those below is sent before it listens.
    // These name their version, so the split, which counts only what the policy routed, leaves them out.
    let warmUps = 0;
    await until(
      async () => {
        await predict(`warming up ${(warmUps += 1)}`, { version: 'v1' });
        return (await p.locator('svg[aria-label="latency chart"] circle').count()) > 0;
      },
      'a latency event on the page',
      15_000,
    );
    // Distinct texts and no cache, so each reaches its version; routing keys make the split the same every run.
    for (let n = 0; n < PREDICTIONS; n += 1) await predict(`a fine sentence number ${n}`, { routingKey: `user-${n}` });

    const shown = async (): Promise<number> => (await requestsShown(p, 'sentiment', 'v1')) + (await requestsShown(p, 'sentiment', 'v2'));
    await until(async () => (await shown()) >= PREDICTIONS + warmUps, `sentiment showing ${PREDICTIONS + warmUps} requests`, 15_000);
    const split = p.getByLabel('canary split of sentiment');
    await split.getByText(new RegExp(`^canary v2 at 50%: served [\\d.]+% of ${PREDICTIONS} predictions routed`)).waitFor();
    const served = async (version: string): Promise<number> =>
      Number((await versionRow(p, 'sentiment', version).locator('[data-stat="served"]').getAttribute('title'))?.split(' ')[0]);
    expect([(await served('v1')) > 0, (await served('v2')) > 0, (await served('v1')) + (await served('v2'))]).toEqual([
      true,
      true,
      PREDICTIONS,
    ]);

    const v1 = versionRow(p, 'sentiment', 'v1');
    expect(await v1.locator('[data-stat="state"]').innerText()).toBe('LOADED');
    // A flat line has no height, which Playwright counts as hidden: wait for it to be drawn, not to be visible.
    await v1.locator('svg[aria-label="throughput of sentiment v1"] polyline').first().waitFor({ state: 'attached' });
    await v1.locator('svg[aria-label="p50 and p99 of sentiment v1"] polyline[stroke-dasharray]').first().waitFor({ state: 'attached' });
    expect(elsewhere).toEqual([]);
    await screenshot(p, 'dashboard-versions-traffic');
  });

  it('lets an admin load and unload a version, and not unload the default or the canary, saying why', async () => {
    const p = page!;
    const unloadDefault = p.getByRole('button', { name: 'Unload sentiment v1', exact: true });
    expect(await unloadDefault.isDisabled()).toBe(true);
    expect(await unloadDefault.getAttribute('title')).toBe(
      'v1 is the default version of sentiment: make another version the default first',
    );
    const unloadCanary = p.getByRole('button', { name: 'Unload sentiment v2', exact: true });
    expect(await unloadCanary.isDisabled()).toBe(true);
    expect(await unloadCanary.getAttribute('title')).toBe('v2 is the canary of sentiment: end the canary first');

    const v3 = versionRow(p, 'sentiment', 'v3').locator('[data-stat="state"]');
    const byAdmin = v3.getByText('by an admin: predictions refused until loaded');
    // Not loaded yet is not unloaded on purpose: a prediction would load it.
    expect([await v3.getByText('UNLOADED', { exact: true }).count(), await byAdmin.count()]).toEqual([1, 0]);
    await p.getByRole('button', { name: 'Load sentiment v3', exact: true }).click();
    await v3.getByText('LOADED', { exact: true }).waitFor();
    expect(await stateOf('sentiment', 'v3')).toBe('LOADED');

    await p.getByRole('button', { name: 'Unload sentiment v3', exact: true }).click();
    await v3.getByText('UNLOADED', { exact: true }).waitFor();
    await byAdmin.waitFor();
    expect(await stateOf('sentiment', 'v3')).toBe('UNLOADED');

    await p.getByRole('button', { name: 'Load sentiment v3', exact: true }).click();
    await v3.getByText('LOADED', { exact: true }).waitFor();
    expect(await byAdmin.count()).toBe(0);
    expect(await stateOf('sentiment', 'v3')).toBe('LOADED');

    const failed = versionRow(p, 'numeric', 'v2');
    expect(await failed.locator('[data-stat="state"]').innerText()).toMatch(
      /^FAILED\nnumeric\/v2\/params\.json: sha256 [0-9a-f]{64} does not match/,
    );
    await p.getByRole('button', { name: 'Load numeric v2', exact: true }).click();
    await failed
      .locator('.actions .error')
      .getByText(
        /^numeric:v2 failed to load \(numeric\/v2\/params\.json: sha256 [0-9a-f]{64} does not match .*\) \(INFERENCE_UNAVAILABLE\)$/,
      )
      .waitFor();
    await screenshot(p, 'dashboard-versions-admin');
  });

  it('shows no Load or Unload to a caller without the admin role', async () => {
    secured = await startSupergraphFor(stack!, { API_KEYS: `ops=${ADMIN_KEY}:reader+admin,viewer=${READER_KEY}:reader` });
    const { page: p } = await originOnlyPage(browser!, new URL(secured.url).origin);
    await p.goto(new URL('/dashboard', secured.url).href);
    /** The next answer to `operation` sent with `key`. */
    const answered = (operation: string, key: string): Promise<Response> =>
      p.waitForResponse((res) => res.request().postData()?.includes(operation) === true && res.request().headers()['x-api-key'] === key);

    const readerProbe = answered('CanManageVersions', READER_KEY);
    await p.getByLabel('API key').fill(READER_KEY);
    const refused = await readerProbe;
    expect([refused.status(), await refused.text()]).toEqual([403, expect.stringContaining('"code":"FORBIDDEN"')]);
    // A poll answered after the refusal: by then the page has taken the refusal in.
    await answered('VersionStats', READER_KEY);
    await versionRow(p, 'sentiment', 'v1').locator('[data-stat="requests"]').waitFor();
    expect(await p.getByRole('button', { name: /^(Load|Unload) / }).count()).toBe(0);

    const adminProbe = answered('CanManageVersions', ADMIN_KEY);
    await p.getByLabel('API key').fill(ADMIN_KEY);
    expect((await adminProbe).status()).toBe(200);
    await p.getByRole('button', { name: 'Unload sentiment v1', exact: true }).waitFor();
    await screenshot(p, 'dashboard-versions-roles');
    await p.close();
  });

  it('shows a change made elsewhere as soon as modelChanged reports it, with every poll stopped', async () => {
    const { page: p } = await originOnlyPage(browser!, new URL(stack!.supergraph.url).origin);
    /** The texts of the graphql-ws frames the page received. */
    const received: string[] = [];
    p.on('websocket', (ws) => ws.on('framereceived', (frame) => received.push(String(frame.payload))));
    // The page's clock runs while it loads, then stops: no poll fires after that, so only the subscription can bring
    // the change in.
    await p.clock.install();
    await p.goto(new URL('/dashboard', stack!.supergraph.url).href);
    const v3 = versionRow(p, 'sentiment', 'v3').locator('[data-stat="state"]');
    await v3.getByText('LOADED', { exact: true }).waitFor();
    await p.clock.pauseAt(Date.now() + 1000);

    // A change the page must hear of proves its subscription live (the first may come before it is), then the unload.
    let percent = 50;
    await until(
      async () => {
        const changed = await stack!.query(
          `mutation { setTrafficPolicy(input: { model: "sentiment", canary: { version: "v2", percent: ${(percent += 1)} } }) { name } }`,
        );
        expect(changed.errors).toBeUndefined();
        return until(() => received.some((f) => f.includes('"modelChanged"')), 'a modelChanged frame', 1000).then(
          () => true,
          () => false,
        );
      },
      'the page subscribed to modelChanged',
      15_000,
    );
    const unloaded = await stack!.query('mutation { unloadModelVersion(model: "sentiment", version: "v3") { name } }');
    expect(unloaded.errors).toBeUndefined();
    await v3.getByText('UNLOADED', { exact: true }).waitFor({ timeout: 15_000 });
    await p.close();
  });
});
