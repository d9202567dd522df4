/**
 * The supergraph serving the built pages (supergraph/src/ui.ts) beside
 * GraphQL on one port: which requests get a page and which still reach
 * GraphQL, content types and caching, no way out of the assets folder, the
 * page when nothing is built, and UI_ENABLED=false. A small fake build in a
 * temporary folder stands in for ui/dist.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Supergraph } from '../supergraph/src/index';
import { startStack, startSupergraphFor } from './helpers/stack';
import type { Stack } from './helpers/stack';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** A request with the path exactly as written: fetch would normalise `..` away. */
function rawGet(url: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser pages served by the supergraph', () => {
  let stack: Stack | undefined;
  const extra: Supergraph[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'infergraph-ui-'));
  let origin = '';

  const supergraphWith = async (env: Record<string, string>): Promise<string> => {
    const sg = await startSupergraphFor(stack!, env);
    extra.push(sg);
    return new URL(sg.url).origin;
  };

  beforeAll(async () => {
    for (const page of ['playground', 'dashboard']) {
      mkdirSync(path.join(dir, page), { recursive: true });
      writeFileSync(path.join(dir, page, 'index.html'), `<!doctype html><title>${page} page</title>`);
    }
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'assets', 'playground-AbC123.js'), 'console.log("hashed asset");');
    writeFileSync(path.join(dir, 'assets', 'playground-AbC123.css'), 'body { margin: 0 }');
    writeFileSync(path.join(dir, '.built'), 'stamp');
    writeFileSync(path.join(dir, 'secret.txt'), 'outside the assets folder');
    writeFileSync(path.join(dir, 'assets', '.hidden'), 'outside the assets folder, as good as');
    stack = await startStack({ supergraphEnv: { UI_DIR: dir } });
    origin = new URL(stack.supergraph.url).origin;
  });

  afterAll(async () => {
    for (const sg of extra) await sg.close();
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a browser at /graphql and / with the playground, and at /dashboard with the dashboard', async () => {
    for (const [route, title] of [
      ['/graphql', 'playground page'],
      ['/', 'playground page'],
      ['/dashboard', 'dashboard page'],
      ['/dashboard/', 'dashboard page'],
    ] as const) {
      const res = await fetch(`${origin}${route}`, { headers: { accept: BROWSER_ACCEPT } });
      expect({ route, status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control') }).toEqual({
        route,
        status: 200,
        type: 'text/html; charset=utf-8',
        cache: 'no-cache',
      });
      expect(await res.text()).toContain(`<title>${title}</title>`);
    }
  });

  it('still serves GraphQL on /graphql to POSTs and to GETs that ask for JSON', async () => {
    const posted = await stack!.query<{ models: { name: string }[] }>('{ models { name } }');
    expect(posted.data?.models.map((m) => m.name).sort()).toEqual(['numeric', 'sentiment']);
    const got = await fetch(`${origin}/graphql?query=${encodeURIComponent('{ models { name } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({ data: { models: expect.arrayContaining([{ name: 'sentiment' }]) } });
  });

  it('serves hashed assets with their content type, cached as immutable, and HEAD without a body', async () => {
    const js = await fetch(`${origin}/ui/assets/playground-AbC123.js`);
    expect([js.status, js.headers.get('content-type'), js.headers.get('cache-control')]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
    ]);
    expect(await js.text()).toBe('console.log("hashed asset");');
    const css = await fetch(`${origin}/ui/assets/playground-AbC123.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const head = await fetch(`${origin}/ui/assets/playground-AbC123.js`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '28', '']);
    expect((await fetch(`${origin}/ui/assets/missing-0000.js`)).status).toBe(404);
  });

  it('names nothing outside the assets folder', async () => {
    for (const raw of [
      '/ui/assets/../secret.txt',
      '/ui/assets/..%2fsecret.txt',
      '/ui/assets/%2e%2e/secret.txt',
      '/ui/assets/%2e%2e%2fsecret.txt',
      '/ui/assets/.hidden',
      '/ui/assets/..',
      '/ui/assets/',
      '/ui/assets//etc/passwd',
      '/ui/assets/..\\secret.txt',
      '/ui/secret.txt',
    ]) {
      const { status, body } = await rawGet(origin, raw);
      expect({ raw, status, leaked: body.includes('outside the assets folder') }).toEqual({ raw, status: 404, leaked: false });
    }
  });

  it('tells how to build the pages when they are not built, while GraphQL works', async () => {
    const bare = await supergraphWith({ UI_DIR: path.join(dir, 'not-built') });
    const res = await fetch(`${bare}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('Run <code>npm run build:ui</code>');
    const posted = await fetch(`${bare}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await posted.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('serves no pages with UI_ENABLED=false, nor Apollo’s landing page', async () => {
    const apiOnly = await supergraphWith({ UI_DIR: dir, UI_ENABLED: 'false' });
    const page = await fetch(`${apiOnly}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBe(400);
    expect(await page.text()).not.toContain('<html');
    expect((await fetch(`${apiOnly}/`, { headers: { accept: BROWSER_ACCEPT } })).status).toBe(404);
    expect((await fetch(`${apiOnly}/dashboard`)).status).toBe(404);
    expect((await fetch(`${apiOnly}/ui/assets/playground-AbC123.js`)).status).toBe(404);
  });
});
