/**
 * Version statistics from an OIP server that has Triton's statistics extension (its ModelStatistics RPC; KServe's
 * servers have none, and then every version's statistics are null). Triton counts since the version loaded, not over
 * a window: the figures here are differences between this read and an earlier one of this subgraph, the latest taken
 * at least STATS_WINDOW_SECONDS ago (or the oldest kept, while there is none so old), and `since` is that earlier
 * read's time. So the first read of a version shows zeros. Reads are kept at most one a second per version, which
 * bounds memory. Triton gives no latency quantiles: they are null.
 */
import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import { describeCallFailure } from '../../../../../lib/grpc/call-failure';
import type { InferenceCallOptions } from '../../../../../lib/grpc/call-failure';
import type { GRPCInferenceServiceClient } from '../../../../../lib/grpc/generated/inference/GRPCInferenceService';
import type { ModelStatistics__Output } from '../../../../../lib/grpc/generated/inference/ModelStatistics';
import type { ModelStatisticsResponse__Output } from '../../../../../lib/grpc/generated/inference/ModelStatisticsResponse';
import { unary } from '../../../../../lib/grpc/unary';
import { fromOipVersion } from '../../../../../lib/oip/versions';
import type { ServerVersionStats } from '../../domain';
import type { BatchTarget } from '../backend';

/** Triton's cumulative counts of one version at one time. */
export interface Reading {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly success: number;
  readonly fail: number;
  readonly executions: number;
}

function readingOf(s: ModelStatistics__Output, at: number): Reading {
  return {
    at,
    success: Number(s.inferenceStats?.success?.count ?? 0),
    fail: Number(s.inferenceStats?.fail?.count ?? 0),
    executions: Number(s.executionCount),
  };
}

export class OipStatistics {
  private readonly differences: WindowedDifferences;

  constructor(
    private readonly client: GRPCInferenceServiceClient,
    private readonly options: InferenceCallOptions & { readonly windowSeconds: number },
  ) {
    this.differences = new WindowedDifferences(options.windowSeconds);
  }

  async read(targets: readonly BatchTarget[]): Promise<(ServerVersionStats | null)[]> {
    if (targets.length === 0) return [];
    const response = await unary<ModelStatisticsResponse__Output>((cb) =>
      this.client.ModelStatistics({}, new Metadata(), { deadline: Date.now() + this.options.deadlineMs }, cb),
    ).catch((err: ServiceError) => {
      if (err.code === status.UNIMPLEMENTED) return null;
      throw describeCallFailure(err, this.options, 'the model statistics', []);
    });
    if (!response) return targets.map(() => null);
    const at = Date.now();
    const current = new Map(response.modelStats.map((s) => [`${s.name}:${fromOipVersion(s.version)}`, readingOf(s, at)]));
    return targets.map((t) => {
      const key = `${t.model}:${t.version}`;
      const reading = current.get(key);
      return reading ? this.differences.figures(key, reading) : null;
    });
  }
}

/** Per version, the reads kept to difference the next one against: at most one a second, over about the window. */
export class WindowedDifferences {
  /** Per "model:version", oldest first. */
  private readonly readings = new Map<string, Reading[]>();

  constructor(private readonly windowSeconds: number) {}

  /** Keeps `reading` of the version `key` and answers its difference from the earlier read it is measured against. */
  figures(key: string, reading: Reading): ServerVersionStats {
    let kept = this.readings.get(key) ?? [];
    // Any count below the newest kept read's: the server restarted (or reloaded the version) since, so earlier reads
    // mean nothing now. The newest, not the oldest: counts that restarted can climb past an old read again.
    const newest = kept[kept.length - 1];
    if (newest && (reading.success < newest.success || reading.fail < newest.fail || reading.executions < newest.executions)) {
      kept = [];
    }
    const windowStart = reading.at - this.windowSeconds * 1000;
    while (kept.length > 1 && (kept[1]?.at ?? Infinity) <= windowStart) kept.shift();
    const last = kept[kept.length - 1];
    if (!last || reading.at - last.at >= 1000) kept.push(reading);
    this.readings.set(key, kept);
    const base = kept[0] ?? reading;
    const success = reading.success - base.success;
    const failures = reading.fail - base.fail;
    const executions = reading.executions - base.executions;
    return {
      requests: success + failures,
      failures,
      latencyP50Ms: null,
      latencyP99Ms: null,
      // Triton counts executions of successful inferences only.
      meanBatchSize: executions === 0 ? null : success / executions,
      since: new Date(base.at).toISOString(),
    };
  }
}
