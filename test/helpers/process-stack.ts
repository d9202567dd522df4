/**
 * The four services as real child processes (spawnService), wired together
 * on port 0 by the stack's topology, for fault tests: inference-grpc can be
 * killed and started again on the same port, and a service that exits on its
 * own is a crash the test can see (exit code and stderr).
 */
import { generateInferenceToken } from '../../lib/grpc/security';
import { until } from '../../lib/until';
import { spawnService } from '../../stack/process';
import type { ServiceProcess } from '../../stack/process';
import { SERVICES, processEnv, serviceSpec } from '../../stack/topology';
import type { Env, Ports, ServiceName, Topology } from '../../stack/topology';

export type ProcessStackOptions = Partial<Readonly<Record<ServiceName, Env>>>;

export interface ProcessStack {
  /** The supergraph's http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /** The current process of a service (inference changes on restart). */
  service(name: ServiceName): ServiceProcess;
  /** Where a service listens (inference's change on restart only if it could not have its port back). */
  ports(name: ServiceName): Ports;
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

/** What the fault tests run with unless a test sets otherwise: fast numeric batches and no rate limit. */
const TEST_DEFAULTS: Readonly<Record<ServiceName, Env>> = {
  inference: { NUMERIC_LATENCY_MS: '20' },
  prediction: {},
  models: {},
  supergraph: { RATE_LIMIT_PER_MINUTE: '0' },
};

export async function startProcessStack(options: ProcessStackOptions = {}): Promise<ProcessStack> {
  const all: ServiceProcess[] = [];
  const stopped = new Set<ServiceProcess>();
  const current = new Map<ServiceName, ServiceProcess>();
  const started = new Map<ServiceName, Ports[]>();
  // One random token per stack, as npm start makes one.
  const topology: Topology = {
    replicas: 1,
    ephemeralPorts: true,
    shared: { LOG_LEVEL: 'info', INFERENCE_TOKEN: generateInferenceToken() },
    overrides: Object.fromEntries(SERVICES.map((s) => [s.name, { ...TEST_DEFAULTS[s.name], ...options[s.name] }])),
  };

  const start = async (name: ServiceName, extra: Env = {}): Promise<Ports> => {
    const spec = serviceSpec(name);
    const p = spawnService(spec.entry, { ...processEnv(topology, spec, 0, started), ...extra });
    all.push(p);
    current.set(name, p);
    const line = await p.waitForLog(spec.listening, READY_TIMEOUT_MS);
    const ports = { port: Number(line.port), metricsPort: Number(line.metricsPort) };
    started.set(name, [ports]);
    return ports;
  };
  const close = async (): Promise<void> => {
    for (const p of all) stopped.add(p);
    for (const p of [...all].reverse()) {
      p.kill();
      await p.exited;
    }
  };

  try {
    for (const spec of SERVICES) await start(spec.name);
    const supergraph = started.get('supergraph')?.[0] ?? { port: 0, metricsPort: 0 };
    const readyUrl = `http://127.0.0.1:${supergraph.port}/ready`;
    await until(async () => (await fetch(readyUrl).catch(() => undefined))?.status === 200, 'the supergraph to be ready', READY_TIMEOUT_MS);

    const get = (name: ServiceName): ServiceProcess => {
      const p = current.get(name);
      if (!p) throw new Error(`no ${name} process`);
      return p;
    };
    const ports = (name: ServiceName): Ports => started.get(name)?.[0] ?? { port: 0, metricsPort: 0 };
    const inferencePort = ports('inference').port;
    return {
      url: `http://127.0.0.1:${supergraph.port}/graphql`,
      service: get,
      ports,
      metricsUrl: (name) => `http://127.0.0.1:${ports(name).metricsPort}/metrics`,
      killInference: async () => {
        const p = get('inference');
        stopped.add(p);
        p.kill();
        await p.exited;
      },
      restartInference: async () => {
        await start('inference', { PORT: String(inferencePort) });
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
