/** The whole stack on port 0, each service real: inference-grpc, both subgraphs and the supergraph. */
import { createLogger } from '../../lib/logger';
import { loadSupergraphConfig } from '../../supergraph/src/index';
import { startSupergraph } from '../../supergraph/src/index';
import type { Supergraph } from '../../supergraph/src/index';
import type { ModelsSubgraph } from '../../subgraphs/models/src/index';
import { graphql } from '../../stack/graphql-client';
import type { GraphQLResponse } from '../../stack/graphql-client';
import { startModels } from './models';
import { startPredictionStack } from './prediction';
import type { InferenceProtocol, PredictionStack } from './prediction';
import { EPHEMERAL_PORTS, wiring } from '../../stack/topology';

export interface Stack {
  readonly prediction: PredictionStack;
  readonly models: ModelsSubgraph;
  readonly supergraph: Supergraph;
  /** http://127.0.0.1:<METRICS_PORT>/metrics of a service. */
  metricsUrl(service: 'inference' | 'prediction' | 'models' | 'supergraph'): string;
  query<D = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<D>>;
  close(): Promise<void>;
}

/**
 * A supergraph on port 0 in front of these subgraphs, with `env` over the wiring: the stack's own, or another one
 * beside it (a second replica, other settings), which its caller closes.
 */
export function startSupergraphFor(
  subgraphs: { readonly prediction: PredictionStack; readonly models: ModelsSubgraph },
  env: Record<string, string> = {},
  now?: () => number,
): Promise<Supergraph> {
  return startSupergraph(
    loadSupergraphConfig({
      HOST: '127.0.0.1',
      ...EPHEMERAL_PORTS,
      ...wiring(
        'supergraph',
        new Map([
          ['prediction', [subgraphs.prediction.subgraph]],
          ['models', [subgraphs.models]],
        ]),
      ),
      ...env,
    }),
    createLogger('supergraph', 'silent'),
    now ? { now } : {},
  );
}

export async function startStack(
  options: {
    inferenceEnv?: Record<string, string>;
    predictionEnv?: Record<string, string>;
    modelsEnv?: Record<string, string>;
    supergraphEnv?: Record<string, string>;
    protocol?: InferenceProtocol;
    /** The supergraph's clock for bearer tokens. */
    supergraphNow?: () => number;
  } = {},
): Promise<Stack> {
  const prediction = await startPredictionStack(options);
  const models = await startModels(prediction.inference, options.modelsEnv);
  const supergraph = await startSupergraphFor({ prediction, models }, options.supergraphEnv, options.supergraphNow);
  return {
    prediction,
    models,
    supergraph,
    metricsUrl: (service) => {
      if (service === 'inference' || service === 'prediction') return prediction.metricsUrl(service);
      return `http://127.0.0.1:${(service === 'models' ? models : supergraph).metricsPort}/metrics`;
    },
    query: (query, variables, headers) => graphql(supergraph.url, query, variables, headers),
    close: async () => {
      await supergraph.close();
      await models.close();
      await prediction.close();
    },
  };
}
