/** Models subgraph settings: the only place this service reads the environment. */
import { int, oneOf, readConfig, str } from '../../../lib/config';
import type { ConfigOf, Env } from '../../../lib/config';
import { LOG_LEVELS } from '../../../lib/logger';

export const modelsSettings = {
  host: str('HOST', '0.0.0.0', 'Interface the service listens on.'),
  port: int('PORT', 4002, 'HTTP port of /graphql, /metrics, /health and /ready (0 picks a free port).', { min: 0, max: 65535 }),
  logLevel: oneOf('LOG_LEVEL', 'info', 'Log level: fatal, error, warn, info, debug, trace or silent.', LOG_LEVELS),
  inferenceUrl: str('INFERENCE_URL', '127.0.0.1:50051', 'Address (host:port) of inference-grpc, whose registry this subgraph reads and writes.'),
  inferenceDeadlineMs: int('INFERENCE_DEADLINE_MS', 5000, 'Deadline of each registry call to inference-grpc.', { min: 1, max: 600_000 }),
};

export type ModelsConfig = ConfigOf<typeof modelsSettings>;

export function loadModelsConfig(env: Env): ModelsConfig {
  return readConfig(env, modelsSettings);
}
