/**
 * Prometheus metrics of the supergraph: operations by name and outcome, their
 * duration, and subgraph fetches. Operation names are the client's, so only
 * an operation that passed authentication and validation is counted under its
 * name, and only a bounded set of names: those METRICS_OPERATION_NAMES lists,
 * or else the first METRICS_MAX_OPERATION_NAMES seen; the rest count as
 * "other", and operations refused before that as "unknown".
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

import type { GatewayContext } from './datasource';

export interface OperationNameLabels {
  /** METRICS_OPERATION_NAMES: the names that get their own label; empty for the first `maxOperationNames` seen. */
  readonly operationNames: readonly string[];
  /** METRICS_MAX_OPERATION_NAMES */
  readonly maxOperationNames: number;
}

/** The label of operations refused before authentication and validation passed. */
export const UNKNOWN_OPERATION = 'unknown';
export const OTHER_OPERATION = 'other';
export const ANONYMOUS_OPERATION = '(anonymous)';
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class SupergraphMetrics {
  private readonly operations: Counter<'operation' | 'outcome'>;
  private readonly duration: Histogram<'operation'>;
  readonly fetches: Histogram<'subgraph' | 'outcome'>;
  /** Fetches answered by an identical request already in flight (SUBGRAPH_DEDUPLICATION). */
  readonly sharedFetches: Counter<'subgraph'>;
  /** Operations that took ./fast-path: answered there, or sent on through Apollo Server with their fetch made. */
  private readonly fastPath: Counter<'outcome'>;
  private readonly names = new Set<string>();
  private readonly listed: ReadonlySet<string>;

  constructor(
    registry: Registry,
    private readonly labels: OperationNameLabels,
  ) {
    this.listed = new Set(labels.operationNames);
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
    this.sharedFetches = new Counter({
      name: 'infergraph_subgraph_fetches_shared_total',
      help: 'Subgraph fetches answered by an identical request already in flight instead of a request of their own, by subgraph.',
      labelNames: ['subgraph'],
      registers,
    });
    this.fastPath = new Counter({
      name: 'infergraph_fast_path_operations_total',
      help: 'Mutations of a one-fetch plan that took the fast path (FAST_PATH_MAX_OPERATIONS): ANSWERED there, or REPLAYED through Apollo Server with the answer of their fetch because it had errors.',
      labelNames: ['outcome'],
      registers,
    });
  }

  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: ({ contextValue }) => {
        const started = contextValue.startedAt ?? performance.now();
        return Promise.resolve({
          willSendResponse: ({ operation: resolved, contextValue, errors, response }) => {
            const body = response.body;
            const first = (errors ?? (body.kind === 'single' ? body.singleResult.errors : undefined))?.[0];
            const code = first?.extensions?.code;
            // `operation` is set once the document parsed and validated; a string identity is a caller not authenticated.
            const admitted = resolved !== undefined && typeof contextValue.identity !== 'string' && code !== 'UNAUTHENTICATED';
            const operation = admitted ? this.label(resolved.name?.value) : UNKNOWN_OPERATION;
            this.count(operation, first ? (typeof code === 'string' ? code : 'ERROR') : 'OK', started);
            return Promise.resolve();
          },
        });
      },
    };
  }

  /** An operation ./fast-path answered without errors, started at `started` (performance.now()). */
  answeredFast(operationName: string | undefined, started: number): void {
    this.fastPath.inc({ outcome: 'ANSWERED' });
    this.count(this.label(operationName), 'OK', started);
  }

  /** An operation ./fast-path sent on through Apollo Server with its fetch made, which counts and times it there. */
  replayedFast(): void {
    this.fastPath.inc({ outcome: 'REPLAYED' });
  }

  private count(operation: string, outcome: string, started: number): void {
    this.operations.inc({ operation, outcome });
    this.duration.observe({ operation }, (performance.now() - started) / 1000);
  }

  /** An operation turned away before Apollo Server saw it (./gate): counted as "unknown", by its code. */
  refused(code: string): void {
    this.operations.inc({ operation: UNKNOWN_OPERATION, outcome: code });
  }

  private label(operationName: string | undefined): string {
    const name = operationName ?? ANONYMOUS_OPERATION;
    if (this.listed.size > 0) return this.listed.has(name) ? name : OTHER_OPERATION;
    if (this.names.has(name)) return name;
    if (this.names.size >= this.labels.maxOperationNames) return OTHER_OPERATION;
    this.names.add(name);
    return name;
  }
}
