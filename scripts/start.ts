/**
 * `npm start`: builds the playground and dashboard when their build is
 * missing or stale, runs every InferGraph service as its own process, with
 * prefixed human-readable logs, waits until each is ready (its /ready
 * answers 200), prints where to reach the stack, and on Ctrl-C (or SIGTERM)
 * stops them all, last started first, each draining cleanly.
 *
 *   npm start                        each service on its default ports
 *   npm start -- --ephemeral-ports   every port picked by the OS (to run beside another stack)
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { PROJECT_ROOT } from '../lib/grpc/proto';
import { buildUi, uiBuildStaleness } from './build-ui';

interface ServiceSpec {
  readonly name: string;
  readonly entry: string;
  /** Variables that wire it to the services started before it. */
  wiring?(started: ReadonlyMap<string, Ports>): Record<string, string>;
  /** What to print once the service is up, from the ports it logged. */
  describe(ports: Ports): string;
}

interface Ports {
  readonly port: number;
  readonly metricsPort: number;
}

const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'inference',
    entry: 'inference-grpc/src/main.ts',
    describe: ({ port, metricsPort }) => `inference-grpc       gRPC 127.0.0.1:${port}   metrics http://127.0.0.1:${metricsPort}/metrics`,
  },
  {
    name: 'prediction',
    entry: 'subgraphs/prediction/src/main.ts',
    wiring: (started) => ({ INFERENCE_URL: `127.0.0.1:${started.get('inference')?.port ?? 50051}` }),
    describe: ({ port }) => `prediction subgraph  http://127.0.0.1:${port}/graphql   metrics http://127.0.0.1:${port}/metrics`,
  },
  {
    name: 'models',
    entry: 'subgraphs/models/src/main.ts',
    wiring: (started) => ({ INFERENCE_URL: `127.0.0.1:${started.get('inference')?.port ?? 50051}` }),
    describe: ({ port }) => `models subgraph      http://127.0.0.1:${port}/graphql   metrics http://127.0.0.1:${port}/metrics`,
  },
  {
    name: 'supergraph',
    entry: 'supergraph/src/main.ts',
    wiring: (started) => ({
      PREDICTION_URL: `http://127.0.0.1:${started.get('prediction')?.port ?? 4001}/graphql`,
      MODELS_URL: `http://127.0.0.1:${started.get('models')?.port ?? 4002}/graphql`,
    }),
    describe: ({ port }) =>
      [
        `GraphQL              http://127.0.0.1:${port}/graphql   (subscriptions: ws://127.0.0.1:${port}/graphql)`,
        `Playground           http://127.0.0.1:${port}/graphql   (open it in a browser)`,
        `Dashboard            http://127.0.0.1:${port}/dashboard`,
      ].join('\n  '),
  },
];

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m'];
const RESET = '\x1b[0m';

interface Running {
  readonly spec: ServiceSpec;
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

function launch(spec: ServiceSpec, index: number, env: NodeJS.ProcessEnv): { running: Running; ports: Promise<Ports> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, spec.entry)], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `${process.stdout.isTTY ? (COLOURS[index % COLOURS.length] ?? '') : ''}[${spec.name}]${process.stdout.isTTY ? RESET : ''} `;
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
    void exited.then((code) => reject(new Error(`${spec.name} exited with ${code} before it was ready`)));
  });
  return { running: { spec, child, exited }, ports };
}

async function waitReady(spec: ServiceSpec, metricsPort: number, exited: Promise<number | null>): Promise<void> {
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
  throw new Error(`${spec.name} was not ready within ${READY_TIMEOUT_MS} ms`);
}

async function stopAll(running: readonly Running[]): Promise<void> {
  for (const r of [...running].reverse()) {
    if (r.child.exitCode !== null) continue;
    r.child.kill('SIGTERM');
    const timer = setTimeout(() => r.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await r.exited;
    clearTimeout(timer);
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

async function main(): Promise<void> {
  buildUiIfStale();
  const ephemeral = process.argv.includes('--ephemeral-ports');
  // One PORT for every child would collide: each service takes its own default unless told otherwise.
  const { PORT, METRICS_PORT, ...inherited } = process.env;
  const env = ephemeral ? { ...inherited, PORT: '0', METRICS_PORT: '0' } : inherited;

  const running: Running[] = [];
  let stopping = false;
  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping InferGraph...');
    void stopAll(running).then(() => process.exit(code));
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));

  const lines: string[] = [];
  const started = new Map<string, Ports>();
  try {
    for (const [index, spec] of SERVICES.entries()) {
      const { running: r, ports } = launch(spec, index, { ...env, ...spec.wiring?.(started) });
      running.push(r);
      void r.exited.then((code) => {
        if (!stopping) {
          console.error(`${spec.name} exited unexpectedly with ${code}; stopping the others`);
          shutdown(1);
        }
      });
      const p = await ports;
      await waitReady(spec, p.metricsPort, r.exited);
      started.set(spec.name, p);
      lines.push(spec.describe(p));
    }
  } catch (err) {
    console.error(`InferGraph failed to start: ${err instanceof Error ? err.message : String(err)}`);
    shutdown(1);
    return;
  }
  console.log(`\nInferGraph is up:\n  ${lines.join('\n  ')}\nPress Ctrl-C to stop.\n`);
}

void main();
