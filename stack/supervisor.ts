/**
 * Runs the stack's topology as child processes: starts the services in
 * order (the replicas of each together), each once the ones it is wired to
 * are ready, echoes their logs with a prefix per process, and stops them
 * all, last started first, each draining cleanly (SIGKILL after 15 s).
 */
import { formatLogLine, logPrefix } from './logs';
import { runEntry } from './process';
import type { ServiceProcess } from './process';
import { waitReady } from './ready';
import { SERVICES, processEnv } from './topology';
import type { Ports, ServiceName, ServiceSpec, Topology } from './topology';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/** A started process of the stack, ready. */
export interface StartedProcess {
  readonly service: ServiceName;
  /** e.g. "supergraph-2"; the service name alone with one replica. */
  readonly label: string;
  readonly pid: number | undefined;
  readonly ports: Ports;
}

export interface Supervisor {
  /**
   * Starts every service of the topology; resolves with every process once all are ready (or with those
   * started so far when stop() was called meanwhile); rejects when one fails to start.
   */
  start(): Promise<readonly StartedProcess[]>;
  /** Whether stop() was called. */
  readonly stopping: boolean;
  /** Stops every process, last started first, until none is left (start() may still be starting some). */
  stop(): Promise<void>;
}

interface Running {
  readonly service: ServiceName;
  readonly process: ServiceProcess;
}

/** Not yet exited, by a code or a signal. */
function alive(r: Running): boolean {
  return r.process.child.exitCode === null && r.process.child.signalCode === null;
}

/** One service's replicas at a time, last started first, the replicas of a service together. */
async function stopAll(running: readonly Running[]): Promise<void> {
  for (const service of [...new Set(running.map((r) => r.service))].reverse()) {
    await Promise.all(
      running
        .filter((r) => r.service === service && alive(r))
        .map(async (r) => {
          r.process.child.kill('SIGTERM');
          const timer = setTimeout(() => r.process.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          await r.process.exited;
          clearTimeout(timer);
        }),
    );
  }
}

/**
 * Each process gets exactly its environment from the topology (npm start passes its own on as `shared`).
 * `onUnexpectedExit` hears of a process that exited while the supervisor was not stopping it.
 */
export function createSupervisor(topology: Topology, onUnexpectedExit: (label: string, code: number | null) => void): Supervisor {
  const running: Running[] = [];
  const started = new Map<ServiceName, Ports[]>();
  const colour = process.stdout.isTTY === true;
  let stopping = false;

  const startReplica = async (spec: ServiceSpec, index: number, replica: number): Promise<StartedProcess> => {
    const label = topology.replicas > 1 ? `${spec.name}-${replica + 1}` : spec.name;
    const prefix = logPrefix(label, index, colour);
    const p = runEntry(spec.entry, processEnv(topology, spec, replica, started), {
      built: topology.built,
      keepLines: false,
      onStdout: (line) => process.stdout.write(`${prefix}${formatLogLine(line)}\n`),
      onStderr: (line) => process.stderr.write(`${prefix}${line}\n`),
    });
    const listening = p.waitForLog(spec.listening, READY_TIMEOUT_MS);
    running.push({ service: spec.name, process: p });
    void p.exited.then((code) => {
      if (!stopping) onUnexpectedExit(label, code);
    });
    const line = await listening.catch(async () => {
      const code = p.child.exitCode !== null || p.child.signalCode !== null ? await p.exited : undefined;
      throw new Error(
        code === undefined
          ? `${label} did not log where it listens within ${READY_TIMEOUT_MS} ms`
          : `${label} exited with ${code} before it was ready`,
      );
    });
    const ports = { port: Number(line.port), metricsPort: Number(line.metricsPort) };
    await waitReady(label, ports.metricsPort, p.exited, READY_TIMEOUT_MS);
    return { service: spec.name, label, pid: p.child.pid, ports };
  };

  return {
    get stopping() {
      return stopping;
    },
    start: async () => {
      const all: StartedProcess[] = [];
      for (const [index, spec] of SERVICES.entries()) {
        if (stopping) break;
        const up = await Promise.all(Array.from({ length: topology.replicas }, (_, replica) => startReplica(spec, index, replica)));
        all.push(...up);
        started.set(
          spec.name,
          up.map((u) => u.ports),
        );
      }
      return all;
    },
    stop: async () => {
      stopping = true;
      while (running.some(alive)) await stopAll(running);
    },
  };
}
