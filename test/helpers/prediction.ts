/** The real prediction subgraph on port 0, in front of a real inference-grpc on port 0. */
import { createLogger } from '../../lib/logger';
import { loadPredictionConfig } from '../../subgraphs/prediction/src/index';
import { startPredictionSubgraph } from '../../subgraphs/prediction/src/index';
import type { PredictionSubgraph } from '../../subgraphs/prediction/src/index';
import { graphql } from '../../stack/graphql-client';
import type { GraphQLResponse } from '../../stack/graphql-client';
import { startInference } from './inference';
import type { InferenceFixture } from './inference';
import { EPHEMERAL_PORTS } from '../../stack/topology';
import { metricValue } from '../../stack/prometheus';

export interface PredictionStack {
  readonly inference: InferenceFixture;
  readonly subgraph: PredictionSubgraph;
  /** http://127.0.0.1:<METRICS_PORT>/metrics of inference-grpc or the prediction subgraph. */
  metricsUrl(service: 'inference' | 'prediction'): string;
  query<D = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<D>>;
  close(): Promise<void>;
}

/** How the subgraph speaks to inference-grpc: its own ModelInference RPCs, or the Open Inference Protocol v2. */
export type InferenceProtocol = 'infergraph' | 'oip';
export const INFERENCE_PROTOCOLS: readonly InferenceProtocol[] = ['infergraph', 'oip'];
/** The gRPC method that carries the subgraph's batches, by protocol. */
export const BATCH_METHOD: Readonly<Record<InferenceProtocol, string>> = { infergraph: 'PredictBatchStream', oip: 'ModelInfer' };

/** OIP has no registry RPCs: the subgraph is given the traffic policy inference-grpc was started with. */
function policyOf(inferenceEnv: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(inferenceEnv).filter(([name]) => name === 'DEFAULT_MODEL_VERSIONS' || name === 'CANARY'));
}

export async function startPredictionStack(
  options: { inferenceEnv?: Record<string, string>; predictionEnv?: Record<string, string>; protocol?: InferenceProtocol } = {},
): Promise<PredictionStack> {
  const inference = await startInference(options.inferenceEnv);
  const protocolEnv = options.protocol === 'oip' ? { INFERENCE_PROTOCOL: 'oip', ...policyOf(options.inferenceEnv ?? {}) } : {};
  const subgraph = await startPredictionSubgraph(
    loadPredictionConfig({ HOST: '127.0.0.1', ...EPHEMERAL_PORTS, ...inference.clientEnv, ...protocolEnv, ...options.predictionEnv }),
    createLogger('prediction-subgraph', 'silent'),
  );
  await subgraph.catalog.whenSynced();
  let closed = false;
  return {
    inference,
    subgraph,
    metricsUrl: (service) => `http://127.0.0.1:${service === 'inference' ? inference.server.metricsPort : subgraph.metricsPort}/metrics`,
    query: (query, variables, headers) => graphql(subgraph.url, query, variables, headers),
    close: async () => {
      if (closed) return;
      closed = true;
      await subgraph.close();
      await inference.close();
    },
  };
}

export const PREDICTION_FIELDS =
  'id model { name } modelVersion routing canary cache latencyMs batchSize label score confidence classId probability';

/** A prediction as PREDICTION_FIELDS asks for it. */
export interface PredictionData {
  id: string;
  model: { name: string };
  modelVersion: string;
  routing: string;
  canary: boolean;
  cache: string;
  latencyMs: number;
  batchSize: number;
  label: string;
  score: number | null;
  confidence: number | null;
  classId: number | null;
  probability: number | null;
}

export type BatchItem =
  (PredictionData & { __typename: 'Prediction' }) | { __typename: 'PredictionError'; index: number; code: string; message: string };

const PREDICT = `mutation ($input: PredictInput!) { predict(input: $input) { ${PREDICTION_FIELDS} } }`;
const PREDICT_BATCH = `mutation ($inputs: [PredictInput!]!) {
  predictBatch(inputs: $inputs) {
    __typename
    ... on Prediction { ${PREDICTION_FIELDS} }
    ... on PredictionError { index code message }
  }
}`;

export function predict(
  stack: PredictionStack,
  input: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<GraphQLResponse<{ predict: PredictionData }>> {
  return stack.query<{ predict: PredictionData }>(PREDICT, { input }, headers);
}

export function predictBatch(
  stack: PredictionStack,
  inputs: Record<string, unknown>[],
): Promise<GraphQLResponse<{ predictBatch: BatchItem[] }>> {
  return stack.query<{ predictBatch: BatchItem[] }>(PREDICT_BATCH, { inputs });
}

/** One sample of inference-grpc's metrics, 0 when it has none yet. */
export async function inferenceMetric(stack: PredictionStack, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(stack.metricsUrl('inference'))).text();
  return metricValue(text, name, labels) ?? 0;
}
