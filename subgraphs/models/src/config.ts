/** Models subgraph settings: the only place this service reads the environment. */
import { custom, int, readConfig } from '../../../lib/config';
import { checkSecret } from '../../../lib/auth';
import { checkClientSecurity, inferenceClientSecuritySettings } from '../../../lib/grpc/security';
import { inferenceReconnectSetting, inferenceUrlSetting } from '../../../lib/grpc/target';
import { serviceSettings } from '../../../lib/service';
import type { ConfigOf, Env } from '../../../lib/config';

export const modelsSettings = {
  ...serviceSettings(4002, 'HTTP port of /graphql, /metrics, /health and /ready'),
  subgraphSecret: custom('SUBGRAPH_SECRET', '', '(empty)', 'Shared with the supergraph (at least 32 characters): requests must carry its identity signed with it. Empty accepts anyone (development).', 'a secret of at least 32 characters', (raw) => checkSecret(raw, 32)),
  inferenceUrl: inferenceUrlSetting('Where inference-grpc answers; this subgraph reads and writes its registry.'),
  inferenceDeadlineMs: int('INFERENCE_DEADLINE_MS', 5000, 'Deadline of each registry call to inference-grpc.', { min: 1, max: 600_000 }),
  inferenceReconnectMaxMs: inferenceReconnectSetting(),
  ...inferenceClientSecuritySettings(),
};

export type ModelsConfig = ConfigOf<typeof modelsSettings>;

/** Reads `env`, the process environment unless a test passes its own. */
export function loadModelsConfig(env: Env = process.env): ModelsConfig {
  const config = readConfig(env, modelsSettings);
  checkClientSecurity(config);
  return config;
}
