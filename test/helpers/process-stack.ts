/**
 * The four services as real child processes (spawnService), wired together
 * on port 0, for fault tests: inference-grpc can be killed and started again
 * on the same port, and a service that exits on its own is a crash the test
 * can see (exit code and stderr).
 */
import { generateInferenceToken } from '../../lib/grpc/security';
import { spawnService } from '../../stack/process';
import type { ServiceProcess } from '../../stack/process';
import { until } from '../../lib/until';

export type ServiceName = 'inference' | 'prediction' | 'models' | 'supergraph';
type Env = Record<string, string>;

export interface ProcessStackOptions {
  readonly inference?: Env;
  readonly prediction?: Env;
  readonly models?: Env;
  readonly supergraph?: Env;
}

export interface ProcessStack {
  /** The supergraph's http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /** The current process of a service (inference changes on restart). */
  service(name: ServiceName): ServiceProcess;
  /** http://127.0.0.1:<port>/metrics of a service. */
  metricsUrl(name: ServiceName): string;
  /** SIGKILL inference-grpc, as a crash or an OOM kill would; resolves once it has exited. */
  killInference(): Promise<void>;
  /** Starts inference-grpc again on the port it had; resolves once it listens. */
  restartInference(): Promise<void>;
  /** Every service that exited though the test did not stop it, with its exit code and stderr. */
  crashes(): string[];
  /** Kills every process and waits for them to exit. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

interface Listening {
  readonly port: number;
  readonly metricsPort: number;
}

export async function startProcessStack(options: ProcessStackOptions = {}): Promise<ProcessStack> {
  const all: ServiceProcess[] = [];
  const stopped = new Set<ServiceProcess>();
  const current = new Map<ServiceName, ServiceProcess>();
  const metricsPorts = new Map<ServiceName, number>();

  const start = async (name: ServiceName, entry: string, msg: string, env: Env): Promise<Listening> => {
    const p = spawnService(entry, { LOG_LEVEL: 'info', ...env });
    all.push(p);
    current.set(name, p);
    const line = (await p.waitForLog(msg, READY_TIMEOUT_MS)) as unknown as Listening;
    metricsPorts.set(name, line.metricsPort);
    return line;
  };
  const close = async (): Promise<void> => {
    for (const p of all) stopped.add(p);
    for (const p of [...all].reverse()) {
      p.kill();
      await p.exited;
    }
  };

  try {
    // One random token per stack, as npm start makes one: inference-grpc and both subgraphs hold it.
    const token = { INFERENCE_TOKEN: generateInferenceToken() };
    const inferenceEnv = { NUMERIC_LATENCY_MS: '20', FAULT_HOOKS: 'true', ...token, ...options.inference };
    const inference = await start('inference', 'inference-grpc/src/main.ts', 'inference-grpc listening', inferenceEnv);
    const inferenceUrl = `127.0.0.1:${inference.port}`;
    const prediction = await start('prediction', 'subgraphs/prediction/src/main.ts', 'prediction subgraph listening', {
      INFERENCE_URL: inferenceUrl,
      ...token,
      ...options.prediction,
    });
    const models = await start('models', 'subgraphs/models/src/main.ts', 'models subgraph listening', { INFERENCE_URL: inferenceUrl, ...token, ...options.models });
    const supergraph = await start('supergraph', 'supergraph/src/main.ts', 'supergraph listening', {
      PREDICTION_URL: `http://127.0.0.1:${prediction.port}/graphql`,
      MODELS_URL: `http://127.0.0.1:${models.port}/graphql`,
      RATE_LIMIT_PER_MINUTE: '0',
      ...options.supergraph,
    });
    const readyUrl = `http://127.0.0.1:${supergraph.port}/ready`;
    await until(async () => (await fetch(readyUrl).catch(() => undefined))?.status === 200, 'the supergraph to be ready', READY_TIMEOUT_MS);

    const get = (name: ServiceName): ServiceProcess => {
      const p = current.get(name);
      if (!p) throw new Error(`no ${name} process`);
      return p;
    };
    return {
      url: `http://127.0.0.1:${supergraph.port}/graphql`,
      service: get,
      metricsUrl: (name) => `http://127.0.0.1:${metricsPorts.get(name) ?? 0}/metrics`,
      killInference: async () => {
        const p = get('inference');
        stopped.add(p);
        p.kill();
        await p.exited;
      },
      restartInference: async () => {
        await start('inference', 'inference-grpc/src/main.ts', 'inference-grpc listening', { ...inferenceEnv, PORT: String(inference.port) });
      },
      crashes: () =>
        all
          .filter((p) => !stopped.has(p) && (p.child.exitCode !== null || p.child.signalCode !== null))
          .map((p) => `${p.child.spawnargs.join(' ')} exited with ${p.child.signalCode ?? p.child.exitCode}: ${p.stderr}`),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
