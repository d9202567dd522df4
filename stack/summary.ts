/**
 * What `npm start` prints once the stack is up (where to reach every
 * process, with its pid), and the reading of it back that tests and
 * benchmarks running `npm start` as a child use.
 */
import type { Ports, ServiceName } from './topology';

/** One started process, as the summary lists it. */
export interface Instance {
  /** e.g. "supergraph-2"; the service name alone with one replica. */
  readonly label: string;
  readonly pid: number;
  /** http://... for GraphQL services, host:port for inference-grpc. */
  readonly url: string;
}

/** Where a service is reached, from the ports it logged: one line or several, the address first. */
function describe(service: ServiceName, { port, metricsPort }: Ports): readonly string[] {
  switch (service) {
    case 'inference':
      return [`inference-grpc       gRPC 127.0.0.1:${port}   metrics http://127.0.0.1:${metricsPort}/metrics`];
    case 'prediction':
      return [`prediction subgraph  http://127.0.0.1:${port}/graphql   metrics http://127.0.0.1:${metricsPort}/metrics`];
    case 'models':
      return [`models subgraph      http://127.0.0.1:${port}/graphql   metrics http://127.0.0.1:${metricsPort}/metrics`];
    case 'supergraph':
      return [
        `GraphQL              http://127.0.0.1:${port}/graphql   (subscriptions: ws://127.0.0.1:${port}/graphql)   metrics http://127.0.0.1:${metricsPort}/metrics`,
        `Playground           http://127.0.0.1:${port}/graphql   (open it in a browser)`,
        `Dashboard            http://127.0.0.1:${port}/dashboard`,
      ];
  }
}

/** The lines of one process: the pid goes on the first, the one with its address. */
export function summaryLines(service: ServiceName, label: string, pid: number | undefined, ports: Ports): readonly string[] {
  const [first = '', ...rest] = describe(service, ports);
  return [`${first}   ${label} pid ${pid ?? '?'}`, ...rest];
}

/** The whole summary, from every process's lines in start order. */
export function summary(lines: readonly string[]): string {
  return `\nInferGraph is up:\n  ${lines.join('\n  ')}\nPress Ctrl-C to stop.\n`;
}

/** The summary's processes, once `output` holds it; undefined before. */
export function parseSummary(output: string): Instance[] | undefined {
  const listed = /InferGraph is up:\n([\s\S]*?)Press Ctrl-C/.exec(output)?.[1];
  if (!listed) return undefined;
  return listed
    .split('\n')
    .map((line) => /(\S+:\/\/\S+|\d+\.\d+\.\d+\.\d+:\d+)\s.*\s(\S+) pid (\d+)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ url: m[1] ?? '', label: m[2] ?? '', pid: Number(m[3]) }));
}
