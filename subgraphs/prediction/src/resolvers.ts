/** Resolvers of schema/prediction.graphql. */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';

import { graphQLError, toGraphQLError } from '../../../lib/graphql/errors';
import { PushIterator, SUBSCRIBER_BUFFER } from '../../../lib/graphql/push-iterator';
import type { PubSub } from './events/pubsub';
import type { PredictionMetrics } from './metrics';
import { LATENCY_CHANNEL } from './operation';
import type { LatencyEventMessage, OperationContext, PredictionView } from './operation';
import type { PredictRequest } from './predictor';
import type { VersionStatsView } from './version-stats';

/** A ModelVersion as the models subgraph names it. */
interface VersionRef {
  readonly model: string;
  readonly version: string;
}

interface PredictionErrorView {
  readonly index: number;
  readonly code: string;
  readonly message: string;
}

export function createResolvers(options: {
  readonly maxBatchItems: number;
  readonly events: PubSub<LatencyEventMessage>;
  readonly metrics: PredictionMetrics;
}): GraphQLResolverMap<OperationContext> {
  return {
    Mutation: {
      predict: async (_: unknown, args: { input: PredictRequest }, ctx: OperationContext): Promise<PredictionView> => {
        try {
          return await ctx.predict(args.input);
        } catch (err) {
          throw toGraphQLError(err);
        }
      },
      predictBatch: (
        _: unknown,
        args: { inputs: PredictRequest[] },
        ctx: OperationContext,
      ): Promise<(PredictionView | PredictionErrorView)[]> => {
        if (args.inputs.length > options.maxBatchItems) {
          throw graphQLError(
            'BAD_USER_INPUT',
            `inputs has ${args.inputs.length} items; at most ${options.maxBatchItems} are allowed in one predictBatch (MAX_BATCH_ITEMS)`,
          );
        }
        return Promise.all(
          args.inputs.map((input, index) =>
            ctx.predict(input).catch((err: unknown): PredictionErrorView => {
              const e = toGraphQLError(err);
              return { index, code: String(e.extensions.code), message: e.message };
            }),
          ),
        );
      },
    },
    Subscription: {
      latencyEvents: {
        subscribe: async (_: unknown, args: { model?: string | null }): Promise<AsyncIterableIterator<LatencyEventMessage>> => {
          // The iterator reaches graphql-ws only after `unsubscribe` is set, so closing it can always release it.
          const iterator = new PushIterator<LatencyEventMessage>(SUBSCRIBER_BUFFER, () => {
            options.metrics.subscribers.dec();
            void unsubscribe();
          });
          const unsubscribe = await options.events.subscribe(LATENCY_CHANNEL, (event) => {
            if (!args.model || event.model === args.model) iterator.push(event);
          });
          options.metrics.subscribers.inc();
          return iterator;
        },
        resolve: (event: LatencyEventMessage) => event,
      },
    },
    PredictionResult: {
      __resolveType: (result: PredictionView | PredictionErrorView) => ('code' in result ? 'PredictionError' : 'Prediction'),
    },
    Prediction: {
      model: (p: PredictionView) => ({ name: p.model }),
    },
    LatencyEvent: {
      model: (e: LatencyEventMessage) => ({ name: e.model }),
    },
    ModelVersion: {
      __resolveReference: (ref: VersionRef): VersionRef => ({ model: ref.model, version: ref.version }),
      stats: async (ref: VersionRef, _: unknown, ctx: OperationContext): Promise<VersionStatsView | null> => {
        try {
          return await ctx.versionStats(ref.model, ref.version);
        } catch (err) {
          throw toGraphQLError(err);
        }
      },
    },
  };
}
