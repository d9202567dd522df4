/**
 * The models subgraph's gRPC client of the inference registry: every read
 * goes to inference-grpc (the single source of truth), and the `Model`
 * entities of one operation are read together: one ListModels call however
 * many predictions ask for their model.
 */
import { Metadata, connectivityState } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import DataLoader from 'dataloader';

import { InferGraphError } from '../../../../lib/errors';
import { describeCallFailure } from '../../../../lib/grpc/call-failure';
import type { InferenceCallOptions } from '../../../../lib/grpc/call-failure';
import { createInferenceClient } from '../../../../lib/grpc/client';
import type { ListModelsResponse__Output } from '../../../../lib/grpc/generated/infergraph/inference/v1/ListModelsResponse';
import type { ModelInferenceClient } from '../../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { ModelInfo__Output } from '../../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import { reconnectOptions } from '../../../../lib/grpc/target';
import { unary } from '../../../../lib/grpc/unary';
import type { Logger } from '../../../../lib/logger';
import { REQUEST_ID_KEY } from '../../../../lib/logger';
import type { ModelsConfig } from '../config';
import type { Model, TrafficPolicyChange } from '../domain';
import { fromWireModel, toWirePolicyChange } from './wire';

export class RegistryClient {
  private constructor(
    private readonly client: ModelInferenceClient,
    private readonly options: InferenceCallOptions,
  ) {}

  /** A client of the inference-grpc at INFERENCE_URL, with the config's reconnection, token and TLS. */
  static connect(config: ModelsConfig, logger: Logger): RegistryClient {
    const client = createInferenceClient(config.inferenceUrl, reconnectOptions(config.inferenceReconnectMaxMs), config);
    return new RegistryClient(client, {
      address: config.inferenceUrl,
      service: 'inference-grpc',
      deadlineMs: config.inferenceDeadlineMs,
      logger,
    });
  }

  /** Ready while the channel to inference-grpc is connected (asking reconnects an idle one). */
  isReady(): boolean {
    return this.client.getChannel().getConnectivityState(true) === connectivityState.READY;
  }

  async list(requestId: string): Promise<Model[]> {
    const res = await this.call<ListModelsResponse__Output>(
      'the model registry',
      (md, deadline, cb) => this.client.ListModels({}, md, { deadline }, cb),
      requestId,
    );
    return res.models.map(fromWireModel);
  }

  /** The model, or undefined when the registry has none of that name. */
  async get(name: string, requestId: string): Promise<Model | undefined> {
    try {
      return fromWireModel(
        await this.call<ModelInfo__Output>(
          'the model registry',
          (md, deadline, cb) => this.client.GetModel({ name }, md, { deadline }, cb),
          requestId,
        ),
      );
    } catch (err) {
      if (err instanceof InferGraphError && err.code === 'MODEL_NOT_FOUND') return undefined;
      throw err;
    }
  }

  async setTrafficPolicy(change: TrafficPolicyChange, requestId: string): Promise<Model> {
    const request = toWirePolicyChange(change);
    return fromWireModel(
      await this.call<ModelInfo__Output>(
        'the model registry',
        (md, deadline, cb) => this.client.SetTrafficPolicy(request, md, { deadline }, cb),
        requestId,
      ),
    );
  }

  /** Loads `Model` entities by name for one operation, with one ListModels call per batch. */
  entityLoader(requestId: string): DataLoader<string, Model | null> {
    return new DataLoader(async (names) => {
      const models = new Map((await this.list(requestId)).map((m) => [m.name, m]));
      return names.map((name) => models.get(name) ?? null);
    });
  }

  /** Closes the channel. */
  dispose(): Promise<void> {
    this.client.close();
    return Promise.resolve();
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
