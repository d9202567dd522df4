/**
 * What one GraphQL operation shares: its request id, the numbering of its
 * predictions, a DataLoader that runs identical predictions of the
 * operation once (the first batching layer; the process-wide loaders in
 * batching.ts are the second), and one read of the versions' statistics.
 */
import DataLoader from 'dataloader';

import type { InferGraphError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import type { PubSub } from './events/pubsub';
import type { PlannedPrediction, PredictRequest, PredictionOutcome, Predictor } from './predictor';
import type { LoadVersionStats } from './version-stats';

export const LATENCY_CHANNEL = 'latency-events';

export interface LatencyEventMessage {
  readonly predictionId: string;
  readonly model: string;
  readonly modelVersion: string;
  readonly routing: PredictionOutcome['routing'];
  readonly cache: PredictionOutcome['cache'];
  readonly latencyMs: number;
  readonly batchSize: number;
  readonly timestamp: string;
}

export interface PredictionView extends PredictionOutcome {
  readonly id: string;
}

export interface OperationContext {
  readonly requestId: string;
  predict(request: PredictRequest): Promise<PredictionView>;
  readonly versionStats: LoadVersionStats;
}

export function createOperationContext(
  requestId: string,
  predictor: Predictor,
  events: PubSub<LatencyEventMessage>,
  versionStats: LoadVersionStats,
  logger: Logger,
): OperationContext {
  const deduped = new DataLoader<PlannedPrediction, PredictionOutcome, string>(
    (plans) => Promise.all(plans.map((plan) => predictor.execute(plan, requestId).catch((err: unknown) => err as InferGraphError))),
    { cacheKeyFn: (plan) => plan.dedupeKey },
  );
  let sequence = 0;
  return {
    requestId,
    versionStats,
    async predict(request) {
      const id = `${requestId}:${sequence++}`;
      const outcome = await deduped.load(predictor.plan(request));
      const event: LatencyEventMessage = {
        predictionId: id,
        model: outcome.model,
        modelVersion: outcome.modelVersion,
        routing: outcome.routing,
        cache: outcome.cache,
        latencyMs: outcome.latencyMs,
        batchSize: outcome.batchSize,
        timestamp: new Date().toISOString(),
      };
      events.publish(LATENCY_CHANNEL, event).catch((err: unknown) => logger.warn({ err: String(err) }, 'latency event not published'));
      return { ...outcome, id };
    },
  };
}
