/** Supergraph (gateway) settings: the only place this service reads the environment. */
import path from 'node:path';

import { ConfigError, SettingValueError, bool, custom, int, oneOf, readConfig, str } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { checkSecret, parseApiKeys } from '../../lib/auth';
import { subgraphSecretSetting } from '../../lib/signing/message-signature';
import { metricsSettings } from '../../lib/metrics';
import { redisSettings } from '../../lib/redis';
import type { Identity } from '../../lib/auth';
import { serviceSettings } from '../../lib/service-process';
import type { ConfigOf, Env } from '../../lib/config';
import { maxBatchItemsSetting } from '../../lib/limits/input';
import { maxBodyBytesSetting } from '../../lib/graphql/http';
import { wsMaxPayloadSetting } from '../../lib/graphql/serve';

export const supergraphSettings = {
  ...serviceSettings(4000, 'HTTP port of /graphql (queries, mutations and graphql-ws subscriptions), /health and /ready'),
  ...metricsSettings(9460),
  nodeEnv: oneOf('NODE_ENV', 'development', 'production refuses to start without API_KEYS or JWT_SECRET.', [
    'development',
    'test',
    'production',
  ] as const),
  apiKeys: custom<ReadonlyMap<string, Identity>>(
    'API_KEYS',
    new Map(),
    '(none)',
    'API keys as name=key:role+role, comma-separated (roles: reader, predictor, admin); sent as x-api-key or Bearer.',
    'expected name=key:role+role entries',
    parseApiKeys,
  ),
  jwtSecret: custom(
    'JWT_SECRET',
    '',
    '(empty)',
    'HS256 secret of bearer JWTs, at least 32 characters (roles in JWT_ROLES_CLAIM, exp required). Empty: no JWTs.',
    'a secret of at least 32 characters',
    (raw) => checkSecret(raw, 32),
  ),
  jwtRolesClaim: str('JWT_ROLES_CLAIM', 'roles', 'Claim of a JWT holding its roles, an array or a space-separated string.'),
  jwtClockSkewMs: int(
    'JWT_CLOCK_SKEW_MS',
    30_000,
    'How far the exp and nbf of a JWT may be off this clock, in ms, over HTTP and graphql-ws: a token is good from nbf minus this until exp plus this.',
    {
      min: 0,
      max: 600_000,
    },
  ),
  subgraphSecret: subgraphSecretSetting(
    'Secret (at least 32 characters) the supergraph signs each subgraph request with; the subgraphs must share it.',
  ),
  rateLimitPerMinute: int(
    'RATE_LIMIT_PER_MINUTE',
    600,
    "Operations a caller (API key, JWT subject, or address when auth is off) may send a minute; requests with bad credentials draw from their address's bucket. 0 turns rate limiting off.",
    {
      min: 0,
      max: 10_000_000,
    },
  ),
  rateLimitBurst: int('RATE_LIMIT_BURST', 60, 'Operations a caller may send at once before the per-minute rate applies.', {
    min: 1,
    max: 10_000_000,
  }),
  ...redisSettings({
    url: 'Redis for rate limits shared by every supergraph replica; empty keeps them in memory.',
    prefix: 'Prefix of every Redis key.',
    timeout: 'Longest a Redis command may take; past it this replica limits the caller on its own, in memory.',
  }),
  corsOrigins: custom<readonly string[]>(
    'CORS_ORIGINS',
    [],
    '(none)',
    'Comma-separated origins browsers may call the supergraph from, or * for any. CSRF prevention stays on either way.',
    'expected origins such as https://app.example.com, or *',
    (raw) => {
      const origins = raw
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== '');
      for (const o of origins)
        if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o))
          throw new SettingValueError(`${JSON.stringify(o)} is not an origin; expected scheme://host[:port] or *`);
      return origins;
    },
  ),
  subgraphTimeoutMs: int(
    'SUBGRAPH_TIMEOUT_MS',
    10000,
    'Longest a fetch to a subgraph may take; past it SUBGRAPH_UNAVAILABLE. Keep it above INFERENCE_DEADLINE_MS.',
    {
      min: 1,
      max: 600_000,
    },
  ),
  subgraphDeduplication: bool(
    'SUBGRAPH_DEDUPLICATION',
    true,
    'Identical subgraph fetches in flight at once (queries and entity fetches, of a mutation only those to subgraphs it wrote nothing to, never across callers whose identities differ) share one request; infergraph_subgraph_fetches_shared_total counts the fetches shared.',
  ),
  predictionUrl: str(
    'PREDICTION_URL',
    '',
    'GraphQL URL of the prediction subgraph; empty uses the routing URL in schema/supergraph.graphql.',
  ),
  modelsUrl: str('MODELS_URL', '', 'GraphQL URL of the models subgraph; empty uses the routing URL in schema/supergraph.graphql.'),
  maxOperationBytes: int('MAX_OPERATION_BYTES', 16384, 'Longest operation text (query document), in bytes; past it QUERY_TOO_COMPLEX.', {
    min: 64,
    max: 10_485_760,
  }),
  maxTokens: int(
    'MAX_TOKENS',
    15000,
    "Most lexical tokens in one operation, counted before it is parsed; past it QUERY_TOO_COMPLEX (Apollo Router's default).",
    { min: 100, max: 10_000_000 },
  ),
  maxNesting: int(
    'MAX_NESTING',
    64,
    "Deepest nesting of braces, brackets and fragment spreads (a spread nests as deep as its fragment) in an operation's text, checked before it is parsed; past it QUERY_TOO_COMPLEX.",
    { min: 1, max: 10_000 },
  ),
  maxDepth: int('MAX_QUERY_DEPTH', 12, 'Deepest field nesting an operation may have; past it QUERY_TOO_COMPLEX.', { min: 1, max: 1000 }),
  maxAliases: int('MAX_ALIASES', 30, 'Most aliases in one operation, introspection fields included; past it QUERY_TOO_COMPLEX.', {
    min: 0,
    max: 100_000,
  }),
  maxCost: int(
    'MAX_QUERY_COST',
    1000,
    'Most predictions one operation may ask for (predict costs 1, predictBatch its inputs); past it QUERY_TOO_COMPLEX.',
    {
      min: 1,
      max: 1_000_000,
    },
  ),
  maxBatchItems: maxBatchItemsSetting('Most inputs of one predictBatch; past it QUERY_TOO_COMPLEX before any subgraph is called.'),
  maxSubscriptionsPerConnection: int(
    'MAX_SUBSCRIPTIONS_PER_CONNECTION',
    100,
    'Most operations one graphql-ws connection may have open at once; past it RATE_LIMITED.',
    {
      min: 1,
      max: 100_000,
    },
  ),
  maxBodyBytes: maxBodyBytesSetting('Largest HTTP request body the gateway reads.'),
  wsMaxPayloadBytes: wsMaxPayloadSetting(),
  metricsOperationNames: custom<readonly string[]>(
    'METRICS_OPERATION_NAMES',
    [],
    '(none)',
    'Comma-separated operation names counted under their own name in /metrics; any other counts as "other". Empty: the first METRICS_MAX_OPERATION_NAMES names of operations that passed authentication and validation.',
    'expected comma-separated GraphQL names',
    (raw) => {
      const names = raw
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '');
      for (const n of names)
        if (!/^[_A-Za-z]\w{0,63}$/.test(n))
          throw new SettingValueError(`${JSON.stringify(n)} is not a GraphQL operation name of at most 64 characters`);
      return names;
    },
  ),
  metricsMaxOperationNames: int(
    'METRICS_MAX_OPERATION_NAMES',
    200,
    'With METRICS_OPERATION_NAMES empty: distinct operation names /metrics counts under their own name; past it "other". Operations refused before authentication and validation count as "unknown".',
    { min: 0, max: 10_000 },
  ),
  documentCacheMib: int(
    'DOCUMENT_CACHE_MIB',
    16,
    'Parsed and validated operations kept for reuse, in MiB as their JSON measures; only authenticated callers fill it.',
    { min: 1, max: 4096 },
  ),
  queryPlanCacheMib: int(
    'QUERY_PLAN_CACHE_MIB',
    16,
    'Query plans kept for reuse, in MiB as their JSON measures; only authenticated callers fill it.',
    { min: 1, max: 4096 },
  ),
  fastPathMaxOperations: int(
    'FAST_PATH_MAX_OPERATIONS',
    64,
    'Mutations whose query plan is one fetch asking the subgraph exactly what the client asked are answered, once Apollo Server has run them once, without its request pipeline and the plan executor: auth, limits, variable checks, metrics and the log still run, and an answer with errors goes through Apollo Server with the fetch already made. How many operation texts are remembered (the oldest is dropped first); 0 turns the fast path off.',
    { min: 0, max: 10_000 },
  ),
  fastPathMaxOperationBytes: int(
    'FAST_PATH_MAX_OPERATION_BYTES',
    2048,
    'Longest operation text the fast path remembers, in bytes; longer ones always go through Apollo Server. With FAST_PATH_MAX_OPERATIONS it bounds what the fast path keeps: the texts and their parsed operations.',
    { min: 64, max: 65_536 },
  ),
  responseCache: bool(
    'RESPONSE_CACHE',
    true,
    "Answer a query again from memory while the registry has not changed: only queries whose every subgraph answer said it may be cached (@cacheControl in the subgraph's schema; the models and Model fields), never a mutation, never with errors. A change the models subgraph reports (its modelChanged subscription), or a registry mutation (setTrafficPolicy, loadModelVersion, unloadModelVersion) through this supergraph, drops every cached answer; while that subscription is not open the cache is neither read nor written. infergraph_response_cache_total counts hits, misses and bypasses.",
  ),
  responseCacheMaxMib: int(
    'RESPONSE_CACHE_MAX_MIB',
    32,
    'Memory for cached answers, in MiB as their JSON measures; least recently used first out.',
    {
      min: 1,
      max: 4096,
    },
  ),
  responseCacheKeepaliveMs: int(
    'RESPONSE_CACHE_KEEPALIVE_MS',
    5000,
    "How often the socket of the response cache's modelChanged subscription is pinged; a ping unanswered within as long again closes it, so a path to the models subgraph that goes silent without closing is noticed and the cache bypassed until it subscribes again.",
    { min: 100, max: 600_000 },
  ),
  introspection: bool(
    'INTROSPECTION',
    true,
    'Answer introspection queries (__schema, __type), which the playground and code generators use; the Docker image and Kubernetes manifests turn it off.',
  ),
  uiEnabled: bool(
    'UI_ENABLED',
    true,
    'Serve the GraphiQL playground (/ and browser GETs of /graphql) and the dashboard (/dashboard); false serves only the API.',
  ),
  uiDir: custom(
    'UI_DIR',
    path.join(PROJECT_ROOT, 'ui', 'dist'),
    'ui/dist',
    'Folder of the built playground and dashboard (npm run build:ui), absolute or relative to the project root.',
    'a folder path',
    (raw) => path.resolve(PROJECT_ROOT, raw),
  ),
};

export type SupergraphConfig = ConfigOf<typeof supergraphSettings>;

/** Reads `env`, the process environment unless a test passes its own. */
export function loadSupergraphConfig(env: Env = process.env): SupergraphConfig {
  const config = readConfig(env, supergraphSettings);
  if (config.nodeEnv === 'production' && config.apiKeys.size === 0 && !config.jwtSecret) {
    throw new ConfigError(['NODE_ENV=production needs authentication: set API_KEYS, JWT_SECRET or both']);
  }
  return config;
}
