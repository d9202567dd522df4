/** Where the example client finds the supergraph: the only place it reads the environment. */
import { SettingValueError, custom, readConfig, str } from '../lib/config';
import type { ConfigOf, Env } from '../lib/config';

function graphqlUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingValueError(`${JSON.stringify(raw)} is not a URL; expected e.g. http://localhost:4000/graphql`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SettingValueError(`expected an http(s) URL, not ${url.protocol}`);
  return url;
}

export const exampleSettings = {
  url: custom('GRAPHQL_URL', new URL('http://localhost:4000/graphql'), 'http://localhost:4000/graphql', 'GraphQL endpoint of the supergraph; subscriptions use the same URL over ws(s).', 'an http(s) URL', graphqlUrl),
  apiKey: str('API_KEY', '', 'API key sent as x-api-key and in connection_init; needed only when the supergraph has auth on.'),
};

export interface ExampleConfig {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Reads `env` (the process environment unless a test passes its own); a URL argument wins over GRAPHQL_URL. */
export function loadExampleConfig(argv: readonly string[] = process.argv.slice(2), env: Env = process.env): ExampleConfig {
  const config: ConfigOf<typeof exampleSettings> = readConfig({ ...env, ...(argv[0] ? { GRAPHQL_URL: argv[0] } : {}) }, exampleSettings);
  const ws = new URL(config.url);
  ws.protocol = config.url.protocol === 'https:' ? 'wss:' : 'ws:';
  return { httpUrl: config.url.href, wsUrl: ws.href, headers: config.apiKey ? { 'x-api-key': config.apiKey } : {} };
}
