/**
 * The browser pages of the supergraph, served from the Vite build (npm run
 * build:ui): the GraphiQL playground at / and for browser GETs of /graphql
 * (Accept: text/html; API clients still reach GraphQL there), the dashboard
 * at /dashboard, and their hashed assets under /ui/assets/, cached as
 * immutable. Without a build the pages answer 503 naming the command that
 * builds them.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/** Answers the request and returns true, or returns false to pass it on. */
export type PageHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const ASSETS_PREFIX = '/ui/assets/';
const PAGES: Readonly<Record<string, string>> = {
  '/': 'playground',
  '/graphql': 'playground',
  '/dashboard': 'dashboard',
  '/dashboard/': 'dashboard',
};
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};
/** One file name: no separators, no leading dot, so nothing outside the assets folder is named. */
const ASSET_NAME = /^[\w-][\w.-]*$/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>InferGraph UI not built</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem">
<h1>The InferGraph playground and dashboard are not built</h1>
<p>Run <code>npm run build:ui</code> and reload this page (<code>npm start</code> builds them when they are missing or stale).</p>
<p>GraphQL itself is served here: POST to <code>/graphql</code>.</p>
</body></html>
`;

function acceptsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string): void {
  res.writeHead(status, { 'x-content-type-options': 'nosniff', 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string, missing: () => void): Promise<void> {
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    missing();
    return;
  }
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  send(req, res, 200, { 'content-type': type, 'cache-control': cacheControl }, body);
}

export function uiHandler(options: { readonly dir: string }): PageHandler {
  const assetsDir = path.join(options.dir, 'assets');
  const notFound = (req: IncomingMessage, res: ServerResponse) => (): void =>
    send(req, res, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'not found\n');
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname.startsWith(ASSETS_PREFIX)) {
      const name = pathname.slice(ASSETS_PREFIX.length);
      if (!ASSET_NAME.test(name)) notFound(req, res)();
      // Names carry a content hash, so a name never changes meaning.
      else void sendFile(req, res, path.join(assetsDir, name), 'public, max-age=31536000, immutable', notFound(req, res));
      return true;
    }
    const page = PAGES[pathname];
    if (page === undefined || (pathname === '/graphql' && !acceptsHtml(req))) return false;
    // Pages name the current hashed assets, so browsers revalidate them.
    void sendFile(req, res, path.join(options.dir, page, 'index.html'), 'no-cache', () =>
      send(req, res, 503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, NOT_BUILT),
    );
    return true;
  };
}
