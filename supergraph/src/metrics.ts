/** Prometheus metrics of the supergraph: operations by name and outcome, their duration, and subgraph fetches. */
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

import type { GatewayContext } from './datasource';

/** Operation names are the client's: past this many distinct ones the rest count as "other". */
const MAX_OPERATION_NAMES = 200;
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class SupergraphMetrics {
  private readonly operations: Counter<'operation' | 'outcome'>;
  private readonly duration: Histogram<'operation'>;
  readonly fetches: Histogram<'subgraph' | 'outcome'>;
  private readonly names = new Set<string>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.operations = new Counter({
      name: 'infergraph_graphql_operations_total',
      help: 'GraphQL operations answered, by operation name and outcome (OK or the first error code).',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'infergraph_graphql_operation_duration_seconds',
      help: 'Time from receiving an operation to sending its answer, by operation name.',
      labelNames: ['operation'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.fetches = new Histogram({
      name: 'infergraph_subgraph_fetch_duration_seconds',
      help: 'Duration of each fetch from the supergraph to a subgraph, by subgraph and outcome.',
      labelNames: ['subgraph', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: () => {
        const started = performance.now();
        return Promise.resolve({
          willSendResponse: ({ operationName, errors, response }) => {
            const body = response.body;
            const first = (errors ?? (body.kind === 'single' ? body.singleResult.errors : undefined))?.[0];
            const code = first?.extensions?.code;
            const operation = this.label(operationName);
            this.operations.inc({ operation, outcome: first ? (typeof code === 'string' ? code : 'ERROR') : 'OK' });
            this.duration.observe({ operation }, (performance.now() - started) / 1000);
            return Promise.resolve();
          },
        });
      },
    };
  }

  private label(operationName: string | null | undefined): string {
    const name = operationName && /^\w{1,64}$/.test(operationName) ? operationName : '(anonymous)';
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_NAMES) return 'other';
    this.names.add(name);
    return name;
  }
}
