/**
 * `npm start`: builds the playground and dashboard when their build is
 * missing or stale, runs every InferGraph service as its own process, with
 * prefixed human-readable logs, waits until each is ready (its /ready
 * answers 200), prints where to reach the stack, and on Ctrl-C (or SIGTERM)
 * stops them all, last started first, each draining cleanly.
 *
 *   npm start                        each service on its default ports
 *   npm start -- --ephemeral-ports   every port picked by the OS (to run beside another stack)
 *   npm run start:cluster            2 replicas of every service sharing Redis (= npm start -- --replicas 2)
 *
 * Every service gets one INFERENCE_TOKEN, random per run unless set, so the
 * subgraphs are let into inference-grpc and nothing else is.
 *
 * With replicas, replica r (from 1) of each service listens on its default
 * ports + 10 * (r - 1); every subgraph replica balances over every inference
 * replica (an INFERENCE_URL list) and gateway r sends to subgraph replica r.
 * All share REDIS_URL (redis://127.0.0.1:6379 unless set), which must answer.
 * A replica that dies is reported and the others keep serving, so a replica
 * can be killed by hand (its pid is printed) to watch the others take over.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { PROJECT_ROOT } from '../lib/paths';
import { generateInferenceToken } from '../lib/grpc/security';
import { closeRedisClient, connectRedisClient } from '../lib/redis';
import { buildUi, uiBuildStaleness } from './build-ui';

interface ServiceSpec {
  readonly name: string;
  readonly entry: string;
  /** Default PORT and METRICS_PORT. */
  readonly ports: { readonly port: number; readonly metricsPort: number };
  /** Settings npm start gives the service unless the environment sets them. */
  readonly defaults?: Readonly<Record<string, string>>;
  /** Variables that wire replica `replica` (from 0) to the services started before it. */
  wiring?(started: ReadonlyMap<string, readonly Ports[]>, replica: number): Record<string, string>;
  /** What to print once the service is up, from the ports it logged: one line or several. */
  describe(ports: Ports): string | readonly string[];
}

interface Ports {
  readonly port: number;
  readonly metricsPort: number;
}

/** The ports of every replica of `service`, which started before the one being wired. */
function portsOf(started: ReadonlyMap<string, readonly Ports[]>, service: string): readonly Ports[] {
  const ports = started.get(service);
  if (!ports || ports.length === 0) throw new Error(`${service} must start before the services wired to it`);
  return ports;
}

function inferenceUrl(started: ReadonlyMap<string, readonly Ports[]>): string {
  return portsOf(started, 'inference')
    .map((p) => `127.0.0.1:${p.port}`)
    .join(',');
}

function replicaPort(started: ReadonlyMap<string, readonly Ports[]>, service: string, replica: number): number {
  const ports = portsOf(started, service);
  return (ports[replica] ?? ports[0] ?? { port: 0 }).port;
}

const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'inference',
    entry: 'inference-grpc/src/main.ts',
    ports: { port: 50051, metricsPort: 9464 },
    // simulate-timeout and simulate-error work in development, for trying faults by hand.
    defaults: { FAULT_HOOKS: 'true' },
    describe: ({ port, metricsPort }) => `inference-grpc       gRPC 127.0.0.1:${port}   metrics http://127.0.0.1:${metricsPort}/metrics`,
  },
  {
    name: 'prediction',
    entry: 'subgraphs/prediction/src/main.ts',
    ports: { port: 4001, metricsPort: 9461 },
    wiring: (started) => ({ INFERENCE_URL: inferenceUrl(started) }),
    describe: ({ port, metricsPort }) => `prediction subgraph  http://127.0.0.1:${port}/graphql   metrics http://127.0.0.1:${metricsPort}/metrics`,
  },
  {
    name: 'models',
    entry: 'subgraphs/models/src/main.ts',
    ports: { port: 4002, metricsPort: 9462 },
    wiring: (started) => ({ INFERENCE_URL: inferenceUrl(started) }),
    describe: ({ port, metricsPort }) => `models subgraph      http://127.0.0.1:${port}/graphql   metrics http://127.0.0.1:${metricsPort}/metrics`,
  },
  {
    name: 'supergraph',
    entry: 'supergraph/src/main.ts',
    ports: { port: 4000, metricsPort: 9460 },
    wiring: (started, replica) => ({
      PREDICTION_URL: `http://127.0.0.1:${replicaPort(started, 'prediction', replica)}/graphql`,
      MODELS_URL: `http://127.0.0.1:${replicaPort(started, 'models', replica)}/graphql`,
    }),
    describe: ({ port, metricsPort }) => [
      `GraphQL              http://127.0.0.1:${port}/graphql   (subscriptions: ws://127.0.0.1:${port}/graphql)   metrics http://127.0.0.1:${metricsPort}/metrics`,
      `Playground           http://127.0.0.1:${port}/graphql   (open it in a browser)`,
      `Dashboard            http://127.0.0.1:${port}/dashboard`,
    ],
  },
];

/** Replica r of a service listens on its default ports + REPLICA_PORT_STEP * r. */
const REPLICA_PORT_STEP = 10;
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m'];
const RESET = '\x1b[0m';

interface Running {
  readonly service: string;
  readonly label: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

function format(line: string): string {
  try {
    const { level, msg, time, service, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const extra = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${String(level).toUpperCase().padEnd(5)} ${String(msg)}${extra ? `  ${extra}` : ''}`;
  } catch {
    return line;
  }
}

function launch(spec: ServiceSpec, label: string, index: number, env: NodeJS.ProcessEnv): { running: Running; ports: Promise<Ports> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, spec.entry)], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `${process.stdout.isTTY ? (COLOURS[index % COLOURS.length] ?? '') : ''}[${label}]${process.stdout.isTTY ? RESET : ''} `;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ports = new Promise<Ports>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      process.stdout.write(`${prefix}${format(line)}\n`);
      try {
        const parsed = JSON.parse(line) as { msg?: string; port?: number; metricsPort?: number };
        if (parsed.msg?.endsWith('listening') && parsed.port !== undefined && parsed.metricsPort !== undefined) {
          resolve({ port: parsed.port, metricsPort: parsed.metricsPort });
        }
      } catch {
        // not a log line
      }
    });
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => process.stderr.write(`${prefix}${line}\n`));
    void exited.then((code) => reject(new Error(`${label} exited with ${code} before it was ready`)));
  });
  return { running: { service: spec.name, label, child, exited }, ports };
}

async function waitReady(label: string, metricsPort: number, exited: Promise<number | null>): Promise<void> {
  const until = Date.now() + READY_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (Date.now() < until && !gone) {
    const ok = await fetch(`http://127.0.0.1:${metricsPort}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${label} was not ready within ${READY_TIMEOUT_MS} ms`);
}

/** Not yet exited, by a code or a signal. */
function alive(r: Running): boolean {
  return r.child.exitCode === null && r.child.signalCode === null;
}

/** One service's replicas at a time, last started first, the replicas of a service together. */
async function stopAll(running: readonly Running[]): Promise<void> {
  for (const service of [...new Set(running.map((r) => r.service))].reverse()) {
    await Promise.all(
      running
        .filter((r) => r.service === service && alive(r))
        .map(async (r) => {
          r.child.kill('SIGTERM');
          const timer = setTimeout(() => r.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          await r.exited;
          clearTimeout(timer);
        }),
    );
  }
}

/** The API works without the pages, so a failed build is reported, not fatal. */
function buildUiIfStale(): void {
  const stale = uiBuildStaleness();
  if (stale === undefined) return;
  console.log(`building the playground and dashboard (${stale})...`);
  try {
    buildUi();
  } catch (err) {
    console.error(`the UI build failed (${err instanceof Error ? err.message : String(err)}); GraphQL still starts, run npm run build:ui to retry`);
  }
}

function withinReadyTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), READY_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Levels that still print the "listening" line npm start reads each service's ports from. */
const LEVELS_WITH_INFO = new Set(['info', 'debug', 'trace']);

function parseArgs(argv: readonly string[]): { ephemeral: boolean; replicas: number } {
  const at = argv.indexOf('--replicas');
  const replicas = at === -1 ? 1 : Number(argv[at + 1]);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 9) {
    throw new Error(`--replicas takes a whole number from 1 to 9, got ${JSON.stringify(argv[at + 1])}`);
  }
  return { ephemeral: argv.includes('--ephemeral-ports'), replicas };
}

/** Whether Redis answers at `url` within connectRedisClient's start-up wait. */
async function redisAnswers(url: string): Promise<boolean> {
  const client = await connectRedisClient({ url, commandTimeoutMs: 1000 });
  const ready = client.status === 'ready';
  await closeRedisClient(client);
  return ready;
}

async function main(): Promise<void> {
  const { ephemeral, replicas } = parseArgs(process.argv.slice(2));
  buildUiIfStale();
  // One PORT for every child would collide: each service takes its own default unless told otherwise.
  const { PORT, METRICS_PORT, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited };
  if (env.LOG_LEVEL && !LEVELS_WITH_INFO.has(env.LOG_LEVEL)) {
    console.error(`npm start reads where each service listens from its info log line: LOG_LEVEL=${env.LOG_LEVEL} hides it; use info, debug or trace (or start a service alone).`);
    process.exit(1);
  }
  // inference-grpc lets in only callers with its token: one random token per run, given to every service (or the one set).
  env.INFERENCE_TOKEN ||= generateInferenceToken();
  if (replicas > 1) {
    env.REDIS_URL ||= DEFAULT_REDIS_URL;
    if (!(await redisAnswers(env.REDIS_URL))) {
      console.error(`Replicas share Redis, which does not answer at ${env.REDIS_URL}: start it or set REDIS_URL.`);
      process.exit(1);
    }
  }
  const portsFor = (spec: ServiceSpec, replica: number): Record<string, string> => {
    if (ephemeral) return { PORT: '0', METRICS_PORT: '0' };
    if (replicas === 1) return {};
    const step = REPLICA_PORT_STEP * replica;
    return { PORT: String(spec.ports.port + step), METRICS_PORT: String(spec.ports.metricsPort + step) };
  };

  const running: Running[] = [];
  let stopping = false;
  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping InferGraph...');
    // `running` may still grow while the services being started come up: stop until nothing is left.
    const stopEverything = async (): Promise<void> => {
      while (running.some(alive)) await stopAll(running);
    };
    void stopEverything().then(() => process.exit(code));
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));

  const lines: string[] = [];
  const started = new Map<string, Ports[]>();
  try {
    for (const [index, spec] of SERVICES.entries()) {
      if (stopping) return;
      const up = await Promise.all(
        Array.from({ length: replicas }, async (_, replica) => {
          const label = replicas > 1 ? `${spec.name}-${replica + 1}` : spec.name;
          const { running: r, ports } = launch(spec, label, index, { ...spec.defaults, ...env, ...portsFor(spec, replica), ...spec.wiring?.(started, replica) });
          running.push(r);
          void r.exited.then((code) => {
            if (stopping) return;
            if (replicas > 1) {
              console.error(`${label} exited unexpectedly with ${code}; the other replicas keep serving`);
              return;
            }
            console.error(`${label} exited unexpectedly with ${code}; stopping the others`);
            shutdown(1);
          });
          const p = await withinReadyTimeout(ports, `${label} did not log where it listens within ${READY_TIMEOUT_MS} ms`);
          await waitReady(label, p.metricsPort, r.exited);
          // The pid goes on the first line, the one with the service's address.
          const [first = '', ...rest] = [spec.describe(p)].flat();
          return { ports: p, lines: [`${first}   ${label} pid ${r.child.pid ?? '?'}`, ...rest] };
        }),
      );
      lines.push(...up.flatMap((u) => u.lines));
      started.set(
        spec.name,
        up.map((u) => u.ports),
      );
    }
  } catch (err) {
    console.error(`InferGraph failed to start: ${err instanceof Error ? err.message : String(err)}`);
    shutdown(1);
    return;
  }
  console.log(`\nInferGraph is up:\n  ${lines.join('\n  ')}\nPress Ctrl-C to stop.\n`);
}

main().catch((err: unknown) => {
  console.error(`InferGraph failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
