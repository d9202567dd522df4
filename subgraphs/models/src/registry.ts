/**
 * The models subgraph's view of the inference registry: every read goes to
 * inference-grpc (the single source of truth), and the `Model` entities of
 * one operation are read together: one ListModels call however many
 * predictions ask for their model.
 */
import { Metadata } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import DataLoader from 'dataloader';

import { InferGraphError } from '../../../lib/errors';
import { describeCallFailure } from '../../../lib/grpc/call-failure';
import type { InferenceCallOptions } from '../../../lib/grpc/call-failure';
import type { ListModelsResponse__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/ListModelsResponse';
import type { ModelInferenceClient } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { ModelInfo__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import type { SetTrafficPolicyRequest } from '../../../lib/grpc/generated/infergraph/inference/v1/SetTrafficPolicyRequest';
import { unary } from '../../../lib/grpc/unary';
import { REQUEST_ID_KEY } from '../../../lib/logger';

export class RegistryClient {
  constructor(
    private readonly client: ModelInferenceClient,
    private readonly options: InferenceCallOptions,
  ) {}

  async list(requestId: string): Promise<ModelInfo__Output[]> {
    const res = await this.call<ListModelsResponse__Output>('the model registry', (md, deadline, cb) => this.client.ListModels({}, md, { deadline }, cb), requestId);
    return res.models;
  }

  /** The model, or undefined when the registry has none of that name. */
  async get(name: string, requestId: string): Promise<ModelInfo__Output | undefined> {
    try {
      return await this.call<ModelInfo__Output>('the model registry', (md, deadline, cb) => this.client.GetModel({ name }, md, { deadline }, cb), requestId);
    } catch (err) {
      if (err instanceof InferGraphError && err.code === 'MODEL_NOT_FOUND') return undefined;
      throw err;
    }
  }

  setTrafficPolicy(request: SetTrafficPolicyRequest, requestId: string): Promise<ModelInfo__Output> {
    return this.call<ModelInfo__Output>('the model registry', (md, deadline, cb) => this.client.SetTrafficPolicy(request, md, { deadline }, cb), requestId);
  }

  /** Loads `Model` entities by name for one operation, with one ListModels call per batch. */
  entityLoader(requestId: string): DataLoader<string, ModelInfo__Output | null> {
    return new DataLoader(async (names) => {
      const models = new Map((await this.list(requestId)).map((m) => [m.name, m]));
      return names.map((name) => models.get(name) ?? null);
    });
  }

  private async call<T>(
    what: string,
    start: (metadata: Metadata, deadline: number, cb: (err: ServiceError | null, value?: T) => void) => unknown,
    requestId: string,
  ): Promise<T> {
    const metadata = new Metadata();
    metadata.set(REQUEST_ID_KEY, requestId);
    try {
      return await unary<T>((cb) => start(metadata, Date.now() + this.options.deadlineMs, cb));
    } catch (err) {
      throw describeCallFailure(err as ServiceError, this.options, what, [requestId]);
    }
  }
}
