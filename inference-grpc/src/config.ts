/** inference-grpc settings: the only place this service reads the environment. */
import { SettingValueError, bool, custom, int, readConfig } from '../../lib/config';
import { batchingSettings, inputLimitSettings } from '../../lib/input-limits';
import { redisSettings } from '../../lib/redis';
import { serviceSettings } from '../../lib/service';
import type { ConfigOf, Env } from '../../lib/config';
import { NAME, canarySetting, defaultVersionsSetting } from '../../lib/traffic-policy';

export type { CanarySetting } from '../../lib/traffic-policy';

function parseVersionList(raw: string): ReadonlyMap<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of raw.split(',')) {
    const [model, version, extra] = part.trim().split(':');
    if (model === undefined || version === undefined || extra !== undefined || !NAME.test(model) || !NAME.test(version)) {
      throw new SettingValueError(`${JSON.stringify(part)} is malformed; expected a comma-separated list of model:version`);
    }
    out.set(model, [...(out.get(model) ?? []), version]);
  }
  return out;
}

export const inferenceSettings = {
  ...serviceSettings(50051, 'gRPC port'),
  metricsPort: int('METRICS_PORT', 9464, 'HTTP port for /metrics, /health and /ready (0 picks a free port).', {
    min: 0,
    max: 65535,
  }),
  defaultVersions: defaultVersionsSetting('Default version per model, as model:version pairs.'),
  canary: canarySetting('Canary per model at start-up, as model:version:percent (e.g. sentiment:v2:10,numeric:v2:25).'),
  ...redisSettings({
    url: 'Redis where the replicas share the traffic policy (default version and canary of each model); empty keeps it in memory (one replica).',
    prefix: 'Prefix of the policy keys and channel in Redis.',
    timeout: 'Longest a Redis command may take; past it a policy change answers INFERENCE_UNAVAILABLE saying it may or may not have been made, and the replica reads the policy again.',
  }, 1000),
  maxConnectionAgeMs: int(
    'GRPC_MAX_CONNECTION_AGE_MS',
    300_000,
    'Age at which a client connection is asked to reconnect (finishing its calls within SHUTDOWN_GRACE_MS), so clients re-resolve DNS and spread over replicas added since; 0 never asks.',
    { min: 0, max: 86_400_000 },
  ),
  loadAllModels: bool('LOAD_ALL_MODELS', false, 'Load every model version at start-up instead of on first use.'),
  simulateLoadFailure: custom<ReadonlyMap<string, string[]>>(
    'SIMULATE_LOAD_FAILURE',
    new Map(),
    '(none)',
    'Fault hook for tests and drills: model:version pairs that fail to load, e.g. numeric:v2.',
    'expected model:version pairs',
    parseVersionList,
  ),
  loadRetryMs: int('MODEL_LOAD_RETRY_MS', 30000, 'After a version fails to load, calls fail fast for this long before the next load attempt.', {
    min: 0,
    max: 3_600_000,
  }),
  numericLatencyMs: int('NUMERIC_LATENCY_MS', 500, 'Cost of one batch of the mock numeric model, whatever its size (simulated accelerator).', {
    min: 0,
    max: 60000,
  }),
  numericItemLatencyUs: int('NUMERIC_ITEM_LATENCY_US', 200, 'Extra cost per item of a numeric batch, in microseconds.', { min: 0, max: 1_000_000 }),
  ...batchingSettings({
    size: 'Largest batch a model version runs: concurrent inputs for one version are merged up to this many.',
    delay: 'Longest time the first input of a batch waits for others to join it.',
    queue: 'Inputs that may wait per model version; past it calls answer OVERLOADED (gRPC RESOURCE_EXHAUSTED) at once.',
  }),
  ...inputLimitSettings({
    text: 'Longest text input, in characters (Unicode code points).',
    features: 'Most features in one numeric input.',
    batchItems: 'Most inputs in one predictBatch / PredictBatch request.',
  }),
};

export type InferenceConfig = ConfigOf<typeof inferenceSettings>;

/** Reads `env`, the process environment unless a test passes its own. */
export function loadInferenceConfig(env: Env = process.env): InferenceConfig {
  return readConfig(env, inferenceSettings);
}
