/**
 * The stack's topology: which services run, from which entry, on which
 * default ports, and how each process is wired to the ones started before
 * it. `npm start`, the test stacks and the benchmarks all take their
 * environments from here instead of each setting the same variables.
 *
 * Services start in the order of SERVICES. With replicas, replica r (from 0)
 * of a service listens on its default ports + REPLICA_PORT_STEP * r; every
 * subgraph replica balances over every inference replica (an INFERENCE_URL
 * list) and gateway r sends to subgraph replica r.
 */

/** Environment variables, as a process is given them. */
export type Env = Readonly<Record<string, string>>;

export type ServiceName = 'inference' | 'prediction' | 'models' | 'supergraph';

/** Where a service listens: PORT and METRICS_PORT. */
export interface Ports {
  readonly port: number;
  readonly metricsPort: number;
}

export interface ServiceSpec {
  readonly name: ServiceName;
  /** Its entry point, relative to the project root. */
  readonly entry: string;
  /** The msg of the info log line that says where it listens (with port and metricsPort). */
  readonly listening: string;
  /** Default PORT and METRICS_PORT. */
  readonly ports: Ports;
  /** Settings the stack gives the service unless the environment sets them. */
  readonly defaults: Env;
}

/** In start order: each service is wired to those before it. */
export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'inference',
    entry: 'inference-grpc/src/main.ts',
    listening: 'inference-grpc listening',
    ports: { port: 50051, metricsPort: 9464 },
    // simulate-timeout and simulate-error work in development, for trying faults by hand.
    defaults: { FAULT_HOOKS: 'true' },
  },
  {
    name: 'prediction',
    entry: 'subgraphs/prediction/src/main.ts',
    listening: 'prediction subgraph listening',
    ports: { port: 4001, metricsPort: 9461 },
    defaults: {},
  },
  {
    name: 'models',
    entry: 'subgraphs/models/src/main.ts',
    listening: 'models subgraph listening',
    ports: { port: 4002, metricsPort: 9462 },
    defaults: {},
  },
  {
    name: 'supergraph',
    entry: 'supergraph/src/main.ts',
    listening: 'supergraph listening',
    ports: { port: 4000, metricsPort: 9460 },
    defaults: {},
  },
];

export function serviceSpec(name: ServiceName): ServiceSpec {
  const spec = SERVICES.find((s) => s.name === name);
  if (!spec) throw new Error(`no service ${name}`);
  return spec;
}

/** Replica r (from 0) of a service listens on its default ports + REPLICA_PORT_STEP * r. */
export const REPLICA_PORT_STEP = 10;

/** Every port picked by the OS. */
export const EPHEMERAL_PORTS: Env = { PORT: '0', METRICS_PORT: '0' };

/** Where the processes started so far listen, by service, one entry per replica. */
export type Started = ReadonlyMap<ServiceName, readonly Ports[]>;

/** The ports of every replica of `service`, which started before the one being wired. */
function portsOf(started: Started, service: ServiceName): readonly Ports[] {
  const ports = started.get(service);
  if (!ports || ports.length === 0) throw new Error(`${service} must start before the services wired to it`);
  return ports;
}

function replicaPort(started: Started, service: ServiceName, replica: number): number {
  const ports = portsOf(started, service);
  return (ports[replica] ?? ports[0] ?? { port: 0 }).port;
}

/** The variables that wire replica `replica` (from 0) of `service` to the services started before it. */
export function wiring(service: ServiceName, started: Started, replica = 0): Env {
  switch (service) {
    case 'inference':
      return {};
    case 'prediction':
    case 'models':
      return {
        INFERENCE_URL: portsOf(started, 'inference')
          .map((p) => `127.0.0.1:${p.port}`)
          .join(','),
      };
    case 'supergraph':
      return {
        PREDICTION_URL: `http://127.0.0.1:${replicaPort(started, 'prediction', replica)}/graphql`,
        MODELS_URL: `http://127.0.0.1:${replicaPort(started, 'models', replica)}/graphql`,
      };
  }
}

export interface Topology {
  /** Replicas of every service, at least 1. */
  readonly replicas: number;
  /** Every port 0 instead of each service's defaults (to run beside another stack, or in tests). */
  readonly ephemeralPorts: boolean;
  /** Run every service from its compiled build in dist/ (npm run build), as the deploy files do, rather than through tsx. */
  readonly built?: boolean;
  /** Given to every process: INFERENCE_TOKEN, REDIS_URL and whatever else the caller passes on. */
  readonly shared: Env;
  /** Given to one service's processes, last, so they win over everything else. */
  readonly overrides?: Partial<Readonly<Record<ServiceName, Env>>>;
}

/** PORT and METRICS_PORT of a replica: none (the service's own defaults) with one replica on default ports. */
function portsEnv(topology: Topology, spec: ServiceSpec, replica: number): Env {
  if (topology.ephemeralPorts) return EPHEMERAL_PORTS;
  if (topology.replicas === 1) return {};
  const step = REPLICA_PORT_STEP * replica;
  return { PORT: String(spec.ports.port + step), METRICS_PORT: String(spec.ports.metricsPort + step) };
}

/** The whole environment of replica `replica` (from 0) of `spec`, given where the services before it listen. */
export function processEnv(topology: Topology, spec: ServiceSpec, replica: number, started: Started): Env {
  return {
    ...spec.defaults,
    ...topology.shared,
    ...portsEnv(topology, spec, replica),
    ...wiring(spec.name, started, replica),
    ...topology.overrides?.[spec.name],
  };
}
