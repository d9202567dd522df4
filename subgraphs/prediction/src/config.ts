/** Prediction subgraph settings: the only place this service reads the environment. */
import { int, oneOf, readConfig } from '../../../lib/config';
import { nonceMaxEntriesSetting, signatureWindowSetting, subgraphSecretSetting } from '../../../lib/signing/message-signature';
import { maxBodyBytesSetting } from '../../../lib/graphql/http';
import { wsMaxPayloadSetting } from '../../../lib/graphql/serve';
import { batchingSettings } from '../../../lib/limits/batching';
import { inputLimitSettings } from '../../../lib/limits/input';
import { checkClientSecurity, inferenceClientSecuritySettings } from '../../../lib/grpc/security';
import { inferenceKeepaliveSetting, inferenceReconnectSetting, inferenceUrlSetting } from '../../../lib/grpc/target';
import { metricsSettings } from '../../../lib/metrics';
import { redisSettings } from '../../../lib/redis';
import { serviceSettings } from '../../../lib/service-process';
import { statsWindowSetting } from '../../../lib/windowed-stats';
import type { ConfigOf, Env } from '../../../lib/config';
import { canarySetting, defaultVersionsSetting } from '../../../lib/traffic-policy';

export const predictionSettings = {
  ...serviceSettings(4001, 'HTTP port of /graphql (queries and graphql-ws), /health and /ready'),
  ...metricsSettings(9461),
  subgraphSecret: subgraphSecretSetting(),
  signatureWindowMs: signatureWindowSetting(),
  nonceMaxEntries: nonceMaxEntriesSetting(),
  inferenceUrl: inferenceUrlSetting('Where inference-grpc, or with INFERENCE_PROTOCOL=oip any Open Inference Protocol v2 server, answers.'),
  inferenceProtocol: oneOf(
    'INFERENCE_PROTOCOL',
    'infergraph',
    "How to speak to INFERENCE_URL: infergraph (inference-grpc's ModelInference, traffic policy from its registry) or oip (any Open Inference Protocol v2 server: inference-grpc, Triton, KServe; traffic policy from DEFAULT_MODEL_VERSIONS and CANARY here).",
    ['infergraph', 'oip'],
  ),
  defaultVersions: defaultVersionsSetting(
    'With INFERENCE_PROTOCOL=oip: the models to serve and the default version of each, as model:version pairs.',
  ),
  canary: canarySetting('With INFERENCE_PROTOCOL=oip: canary per model, as model:version:percent (e.g. sentiment:v2:10).'),
  oipCatalogRefreshMs: int(
    'OIP_CATALOG_REFRESH_MS',
    5000,
    'With INFERENCE_PROTOCOL=oip: how often model versions and readiness are read again (ModelMetadata, ModelReady).',
    {
      min: 100,
      max: 3_600_000,
    },
  ),
  oipMaxBatchSize: int(
    'OIP_MAX_BATCH_SIZE',
    0,
    "With INFERENCE_PROTOCOL=oip: most inputs in one ModelInfer call, for a server whose batches are smaller than BATCH_MAX_SIZE (Triton's max_batch_size, inference-grpc's MAX_BATCH_ITEMS); a larger batch is sent as several calls. 0: no limit.",
    { min: 0, max: 4096 },
  ),
  oipBatchTimeoutMs: int(
    'OIP_BATCH_TIMEOUT_MS',
    0,
    'With INFERENCE_PROTOCOL=oip: longest a ModelInfer call of several inputs may run; past it the call is given up and its inputs sent again in halves within INFERENCE_DEADLINE_MS, so one input that hangs times out alone. A call of one input has until INFERENCE_DEADLINE_MS. 0: no cap (a hanging input times out its whole batch).',
    { min: 0, max: 600_000 },
  ),
  inferenceDeadlineMs: int(
    'INFERENCE_DEADLINE_MS',
    5000,
    'Deadline of each call to inference-grpc; past it a prediction answers INFERENCE_TIMEOUT.',
    {
      min: 1,
      max: 600_000,
    },
  ),
  inferenceReconnectMaxMs: inferenceReconnectSetting(),
  inferenceKeepaliveMs: inferenceKeepaliveSetting(),
  ...inferenceClientSecuritySettings(),
  ...redisSettings({
    url: 'Redis for the prediction cache, latency events and the nonces of signed requests; empty keeps them in memory (one replica).',
    prefix: 'Prefix of every Redis key and channel.',
    timeout:
      'Longest a Redis command may take; past it the prediction answers with cache BYPASS, and nonces are remembered in this replica alone.',
  }),
  cacheTtlSeconds: int('CACHE_TTL_SECONDS', 300, 'How long a cached prediction is served.', { min: 1, max: 31_536_000 }),
  statsWindowSeconds: statsWindowSetting(
    "Window of the cache hit ratio in each model version's stats (models { versions { stats } }), in seconds; with INFERENCE_PROTOCOL=oip also the window of the other figures, from differences of the server's cumulative ModelStatistics. inference-grpc's own STATS_WINDOW_SECONDS sets the window of the figures it answers.",
  ),
  cacheMaxEntries: int('CACHE_MAX_ENTRIES', 10000, 'Entries of the in-memory cache (least recently used go first).', {
    min: 1,
    max: 10_000_000,
  }),
  wsMaxPayloadBytes: wsMaxPayloadSetting(),
  maxBodyBytes: maxBodyBytesSetting(
    "Largest HTTP request body this subgraph reads; keep it at least the supergraph's, which bounds what a caller sends (a predictBatch of MAX_BATCH_ITEMS texts of MAX_TEXT_LENGTH needs more than the default).",
  ),
  ...batchingSettings({
    size: 'Largest batch call (PredictBatchStream) the prediction subgraph sends: inputs for one model version are merged up to this many.',
    delay:
      'Longest the first input of a batch call waits for others to join it while another call of its version is in flight; an input that finds the version idle is sent at once.',
    queue: 'Predictions that may wait per model version; past it callers get OVERLOADED at once.',
  }),
  ...inputLimitSettings({
    text: 'Longest text input, in characters; checked before batching so an oversized input fails alone.',
    features: 'Most features in one numeric input; checked before batching so an oversized input fails alone.',
    batchItems: 'Most inputs in one predictBatch mutation.',
  }),
};

export type PredictionConfig = ConfigOf<typeof predictionSettings>;

/** Reads `env`, the process environment unless a test passes its own. */
export function loadPredictionConfig(env: Env = process.env): PredictionConfig {
  const config = readConfig(env, predictionSettings);
  checkClientSecurity(config);
  return config;
}
