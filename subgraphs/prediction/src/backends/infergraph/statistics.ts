/** Version statistics from inference-grpc's ModelStatistics: one call answers every version asked. */
import { Metadata } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

import { describeCallFailure } from '../../../../../lib/grpc/call-failure';
import type { InferenceCallOptions } from '../../../../../lib/grpc/call-failure';
import type { ModelInferenceClient } from '../../../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { ModelStatisticsResponse__Output } from '../../../../../lib/grpc/generated/infergraph/inference/v1/ModelStatisticsResponse';
import { unary } from '../../../../../lib/grpc/unary';
import type { ServerVersionStats } from '../../domain';
import type { BatchTarget } from '../backend';
import { fromWireStatistics } from './wire';

/** Asks for every version (a handful) rather than filter, so versions of several models still cost one call. */
export async function readStatistics(
  client: ModelInferenceClient,
  options: InferenceCallOptions,
  targets: readonly BatchTarget[],
): Promise<(ServerVersionStats | null)[]> {
  if (targets.length === 0) return [];
  const response = await unary<ModelStatisticsResponse__Output>((cb) =>
    client.ModelStatistics({}, new Metadata(), { deadline: Date.now() + options.deadlineMs }, cb),
  ).catch((err: ServiceError) => {
    throw describeCallFailure(err, options, 'the model statistics', []);
  });
  const byVersion = new Map(response.versions.map((v) => [`${v.model}:${v.version}`, fromWireStatistics(v)]));
  return targets.map((t) => byVersion.get(`${t.model}:${t.version}`) ?? null);
}
