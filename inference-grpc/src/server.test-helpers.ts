/** What the tests of inference-grpc's ModelInference port share: inputs and the calls the fixture does not make. */
import { Metadata } from '@grpc/grpc-js';

import type { ListModelsResponse__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ListModelsResponse';
import type { ModelInfo__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import type { PredictBatchResponse__Output } from '../../lib/grpc/generated/infergraph/inference/v1/PredictBatchResponse';
import type { PredictInput } from '../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import { unary } from '../../lib/grpc/unary';
import type { InferenceFixture } from '../../test/helpers/inference';

export const text = (t: string): PredictInput => ({ text: t });
export const features = (values: number[]): PredictInput => ({ features: { values } });

export function listModels(f: InferenceFixture): Promise<ListModelsResponse__Output> {
  return unary((cb) => f.client.ListModels({}, cb));
}
export function getModel(f: InferenceFixture, name: string): Promise<ModelInfo__Output> {
  return unary((cb) => f.client.GetModel({ name }, cb));
}
export function predictBatch(
  f: InferenceFixture,
  model: string,
  inputs: PredictInput[],
  version = '',
  deadlineMs = 5000,
): Promise<PredictBatchResponse__Output> {
  return unary((cb) => f.client.PredictBatch({ model, version, inputs }, new Metadata(), { deadline: Date.now() + deadlineMs }, cb));
}
export async function metricsText(f: InferenceFixture): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${f.server.metricsPort}/metrics`);
  return res.text();
}
