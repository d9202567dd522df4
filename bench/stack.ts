/**
 * The whole stack for a benchmark: `npm start -- --built` (one replica of every
 * service, each its own process, compiled and run from dist/ as the deploy files
 * run it, not through tsx) with settings that let a benchmark measure throughput:
 * no rate limit, and deadlines long enough that queued calls wait their turn
 * rather than time out. No SUBGRAPH_SECRET, so a peer gateway may call the
 * subgraphs too. Without REDIS_URL in `env` the cache lives in memory.
 */
import type { Cluster } from '../stack/cluster';
import { startCluster } from '../stack/cluster';

export interface BenchStack {
  readonly cluster: Cluster;
  /** The supergraph's /graphql. */
  readonly gateway: string;
  /** The prediction subgraph's /graphql. */
  readonly prediction: string;
  /** The models subgraph's /graphql. */
  readonly models: string;
  /** host:port of inference-grpc. */
  readonly inference: string;
  stop(): Promise<void>;
}

export async function startBenchStack(env: Record<string, string>): Promise<BenchStack> {
  const cluster = await startCluster(
    1,
    {
      RATE_LIMIT_PER_MINUTE: '0',
      INFERENCE_DEADLINE_MS: '600000',
      SUBGRAPH_TIMEOUT_MS: '600000',
      LOAD_ALL_MODELS: 'true',
      LOG_LEVEL: 'info',
      ...env,
    },
    { built: 'once' },
  );
  return {
    cluster,
    gateway: cluster.url('supergraph'),
    prediction: cluster.url('prediction'),
    models: cluster.url('models'),
    inference: cluster.url('inference'),
    stop: () => cluster.stop(),
  };
}

/** Runs `fn` against a fresh stack and stops the stack afterwards, whatever happens. */
export async function withBenchStack<T>(env: Record<string, string>, fn: (stack: BenchStack) => Promise<T>): Promise<T> {
  const stack = await startBenchStack(env);
  try {
    return await fn(stack);
  } finally {
    await stack.stop();
  }
}
