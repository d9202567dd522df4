/**
 * Where the example client finds the supergraph: the only place it reads the
 * environment. Self-contained, as everything under clients/ is, so a frontend
 * can copy it without the server's code.
 */

/** The variables a client reads; undefined or blank means unset. */
export type ClientEnv = Readonly<Record<string, string | undefined>>;

export interface ExampleConfig {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly headers: Readonly<Record<string, string>>;
}

const DEFAULT_GRAPHQL_URL = 'http://localhost:4000/graphql';

/** The GraphQL endpoint of the supergraph, or why `raw` is not one. */
function graphqlUrl(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${JSON.stringify(raw)} is not a URL; expected e.g. ${DEFAULT_GRAPHQL_URL}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `expected an http(s) URL, not ${url.protocol}`;
  return url;
}

/**
 * Reads `env` (the process environment unless a test passes its own); a URL argument wins over GRAPHQL_URL.
 * GRAPHQL_URL: the supergraph's GraphQL endpoint (subscriptions use the same URL over ws(s));
 * API_KEY: sent as x-api-key and in connection_init, needed only when the supergraph has auth on.
 */
export function loadExampleConfig(argv: readonly string[] = process.argv.slice(2), env: ClientEnv = process.env): ExampleConfig {
  const raw = argv[0] || env.GRAPHQL_URL || '';
  const url = graphqlUrl(raw.trim() || DEFAULT_GRAPHQL_URL);
  if (typeof url === 'string') throw new Error(`Invalid configuration:\n  GRAPHQL_URL=${JSON.stringify(raw)}: ${url}`);
  const apiKey = (env.API_KEY ?? '').trim();
  const ws = new URL(url);
  ws.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return { httpUrl: url.href, wsUrl: ws.href, headers: apiKey ? { 'x-api-key': apiKey } : {} };
}
