/** Models subgraph settings: the only place this service reads the environment. */
import { int, readConfig } from '../../../lib/config';
import { checkClientSecurity, inferenceClientSecuritySettings } from '../../../lib/grpc/security';
import { nonceMaxEntriesSetting, signatureWindowSetting, subgraphSecretSetting } from '../../../lib/signing/message-signature';
import { maxBodyBytesSetting } from '../../../lib/graphql/http';
import { wsMaxPayloadSetting } from '../../../lib/graphql/serve';
import { inferenceKeepaliveSetting, inferenceReconnectSetting, inferenceUrlSetting } from '../../../lib/grpc/target';
import { metricsSettings } from '../../../lib/metrics';
import { redisSettings } from '../../../lib/redis';
import { serviceSettings } from '../../../lib/service-process';
import type { ConfigOf, Env } from '../../../lib/config';

export const modelsSettings = {
  ...serviceSettings(4002, 'HTTP port of /graphql (queries and graphql-ws), /health and /ready'),
  ...metricsSettings(9462),
  subgraphSecret: subgraphSecretSetting(),
  signatureWindowMs: signatureWindowSetting(),
  nonceMaxEntries: nonceMaxEntriesSetting(),
  inferenceUrl: inferenceUrlSetting('Where inference-grpc answers; this subgraph reads and writes its registry.'),
  inferenceDeadlineMs: int(
    'INFERENCE_DEADLINE_MS',
    5000,
    'Deadline of each registry write sent to inference-grpc (policy change, load with its warmup, unload with its in-flight predictions), and longest a read waits for the first copy of the registry at start-up.',
    { min: 1, max: 600_000 },
  ),
  inferenceReconnectMaxMs: inferenceReconnectSetting(),
  inferenceKeepaliveMs: inferenceKeepaliveSetting(),
  catalogMaxStalenessMs: int(
    'CATALOG_MAX_STALENESS_MS',
    10_000,
    'Reads are answered from a copy of the registry kept current by one WatchModels stream (no call per read). When that stream has been down longer than this, reads answer INFERENCE_UNAVAILABLE (and /ready 503) instead of a copy that may be stale; a reconnection resyncs the whole copy.',
    { min: 100, max: 3_600_000 },
  ),
  ...inferenceClientSecuritySettings(),
  ...redisSettings({
    url: 'Redis for the nonces of signed requests, so every replica refuses a replay; empty keeps them in memory (one replica).',
    prefix: 'Prefix of every Redis key.',
    timeout: 'Longest a Redis command may take; past it this replica remembers nonces in memory until Redis answers.',
  }),
  maxBodyBytes: maxBodyBytesSetting('Largest HTTP request body this subgraph reads (registry reads and policy changes are small).'),
  wsMaxPayloadBytes: wsMaxPayloadSetting(),
};

export type ModelsConfig = ConfigOf<typeof modelsSettings>;

/** Reads `env`, the process environment unless a test passes its own. */
export function loadModelsConfig(env: Env = process.env): ModelsConfig {
  const config = readConfig(env, modelsSettings);
  checkClientSecurity(config);
  return config;
}
