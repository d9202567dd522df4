/** inference-grpc settings: the only place this service reads the environment. */
import { isIP } from 'node:net';
import path from 'node:path';

import { ConfigError, SettingValueError, bool, custom, int, readConfig } from '../../lib/config';
import { inferenceTokenSetting, pemFileSetting } from '../../lib/grpc/security';
import { batchingSettings } from '../../lib/limits/batching';
import { inputLimitSettings } from '../../lib/limits/input';
import { metricsSettings } from '../../lib/metrics';
import { PROJECT_ROOT } from '../../lib/paths';
import { redisSettings } from '../../lib/redis';
import { serviceSettings } from '../../lib/service-process';
import { statsWindowSetting } from '../../lib/windowed-stats';
import type { ConfigOf, Env } from '../../lib/config';
import { NAME, canarySetting, defaultVersionsSetting } from '../../lib/traffic-policy';

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

/** The model repository of this checkout: what npm start serves and train:sentiment writes into. */
export const DEFAULT_MODEL_REPOSITORY = path.join(PROJECT_ROOT, 'model-repository');

export const inferenceSettings = {
  ...serviceSettings(50051, 'gRPC port', {
    default: '127.0.0.1',
    doc: 'Interface the service listens on; loopback by default. Any other address needs INFERENCE_TOKEN (or INFERENCE_INSECURE=true).',
  }),
  token: inferenceTokenSetting(
    'Bearer token every call must carry (authorization metadata), compared in constant time before any work; wrong or missing answers UNAUTHENTICATED. Health stays open; reflection, control calls and the OIP service need it. Give the subgraphs the same value. Empty: no token (allowed only on a loopback HOST, or with INFERENCE_INSECURE=true).',
  ),
  insecure: bool(
    'INFERENCE_INSECURE',
    false,
    'Serve on a non-loopback HOST with no INFERENCE_TOKEN, open to anyone who reaches the port (logged as a warning at start-up). Without it such a start is refused.',
  ),
  tlsCert: pemFileSetting('INFERENCE_TLS_CERT', 'PEM certificate chain of the gRPC port; with INFERENCE_TLS_KEY the port speaks TLS only.'),
  tlsKey: pemFileSetting('INFERENCE_TLS_KEY', 'PEM private key of INFERENCE_TLS_CERT.'),
  tlsClientCa: pemFileSetting(
    'INFERENCE_TLS_CLIENT_CA',
    'PEM CA certificate(s); set, every client must present a certificate signed by it (mutual TLS). Needs INFERENCE_TLS_CERT.',
  ),
  ...metricsSettings(9464),
  defaultVersions: defaultVersionsSetting(
    "Default version per model, as model:version pairs; overrides the defaultVersion of that model's config.json in MODEL_REPOSITORY (and drops its canary there if it names this version).",
    true,
  ),
  canary: canarySetting(
    "Canary per model at start-up, as model:version:percent (e.g. sentiment:v2:10,numeric:v2:25); overrides the canary of that model's config.json in MODEL_REPOSITORY.",
  ),
  ...redisSettings(
    {
      url: 'Redis where the replicas share the traffic policy (default version and canary of each model); empty keeps it in memory (one replica).',
      prefix: 'Prefix of the policy keys and channel in Redis.',
      timeout:
        'Longest a Redis command may take; past it a policy change answers INFERENCE_UNAVAILABLE saying it may or may not have been made, and the replica reads the policy again.',
    },
    1000,
  ),
  maxConnectionAgeMs: int(
    'GRPC_MAX_CONNECTION_AGE_MS',
    300_000,
    'Age at which a client connection is asked to reconnect (finishing its calls within SHUTDOWN_GRACE_MS), so clients re-resolve DNS and spread over replicas added since; 0 never asks.',
    { min: 0, max: 86_400_000 },
  ),
  modelRepository: custom<string>(
    'MODEL_REPOSITORY',
    DEFAULT_MODEL_REPOSITORY,
    '<project>/model-repository',
    'Folder of the model repository: <model>/config.json and <model>/<version>/manifest.json plus its artifact (see Model repository). Read whole at start-up; a version folder again when it is loaded, and new ones with MODEL_REPOSITORY_POLL_MS; a relative path is from the working directory.',
    'a directory path',
    (raw) => path.resolve(raw),
  ),
  modelRepositoryPollMs: int(
    'MODEL_REPOSITORY_POLL_MS',
    0,
    'How often MODEL_REPOSITORY is scanned for new version folders, which then appear UNLOADED (loaded too with LOAD_ALL_MODELS) and stream through WatchModels; 0 never scans (RepositoryModelLoad / loadModelVersion still finds a new folder).',
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
  faultHooks: bool(
    'FAULT_HOOKS',
    false,
    "Fault hooks for tests and drills: the text simulate-timeout sleeps past the caller's deadline and simulate-error fails like a broken model. Off, both are ordinary input. On for npm start, off in the image.",
  ),
  loadRetryMs: int(
    'MODEL_LOAD_RETRY_MS',
    30000,
    'After a version fails to load, calls fail fast for this long before the next load attempt.',
    {
      min: 0,
      max: 3_600_000,
    },
  ),
  numericLatencyMs: int(
    'NUMERIC_LATENCY_MS',
    500,
    'Cost of one batch of the mock numeric model, whatever its size (simulated accelerator).',
    {
      min: 0,
      max: 60000,
    },
  ),
  numericItemLatencyUs: int('NUMERIC_ITEM_LATENCY_US', 200, 'Extra cost per item of a numeric batch, in microseconds.', {
    min: 0,
    max: 1_000_000,
  }),
  statsWindowSeconds: statsWindowSetting(
    'Window of the per-version statistics ModelStatistics answers (requests, failures, latency p50/p99, mean batch size), in seconds: kept as one-second buckets, so memory per version is fixed.',
  ),
  ...batchingSettings({
    size: 'Largest batch a model version runs: concurrent inputs for one version are merged up to this many.',
    delay:
      'Longest time the first input of a batch waits for others to join it when it arrived while a batch of its version ran; an input that finds the version idle runs at once.',
    queue: 'Inputs that may wait per model version; past it calls answer OVERLOADED (gRPC RESOURCE_EXHAUSTED) at once.',
  }),
  ...inputLimitSettings({
    text: 'Longest text input, in characters (Unicode code points).',
    features: 'Most features in one numeric input.',
    batchItems: 'Most inputs in one predictBatch / PredictBatch request.',
  }),
};

export type InferenceConfig = ConfigOf<typeof inferenceSettings>;

/** Whether HOST reaches only this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/** Settings that are wrong only together, each named. */
function securityProblems(config: InferenceConfig): string[] {
  const problems: string[] = [];
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined))
    problems.push('INFERENCE_TLS_CERT and INFERENCE_TLS_KEY: set both for TLS, or neither');
  if (config.tlsClientCa !== undefined && config.tlsCert === undefined)
    problems.push('INFERENCE_TLS_CLIENT_CA: mutual TLS needs INFERENCE_TLS_CERT and INFERENCE_TLS_KEY too');
  if (config.token === '' && !config.insecure && !isLoopbackHost(config.host)) {
    problems.push(
      `HOST=${config.host} is not a loopback address and INFERENCE_TOKEN is empty: anyone reaching the port could run models and change the traffic policy. Set INFERENCE_TOKEN (and the same value in the subgraphs), listen on 127.0.0.1, or set INFERENCE_INSECURE=true to serve open anyway`,
    );
  }
  return problems;
}

/** Reads `env`, the process environment unless a test passes its own. */
export function loadInferenceConfig(env: Env = process.env): InferenceConfig {
  const config = readConfig(env, inferenceSettings);
  const problems = securityProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
