/**
 * The models subgraph's gRPC side of the inference registry: reads come from
 * a copy in memory kept current by one WatchModels stream
 * (lib/grpc/registry-watch.ts, shared with the prediction subgraph), so a
 * read costs no call to inference-grpc; a copy that has been without its
 * stream longer than CATALOG_MAX_STALENESS_MS answers INFERENCE_UNAVAILABLE.
 * A policy change, load or unload goes to inference-grpc (the single source
 * of truth), and the state it answers is in the copy before the mutation answers.
 */
import { Metadata } from '@grpc/grpc-js';
import type { CallOptions, ServiceError } from '@grpc/grpc-js';

import { describeCallFailure } from '../../../../lib/grpc/call-failure';
import type { InferenceCallOptions } from '../../../../lib/grpc/call-failure';
import { createInferenceClient } from '../../../../lib/grpc/client';
import type { ModelInferenceClient } from '../../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { ModelInfo__Output } from '../../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import { RegistryWatch } from '../../../../lib/grpc/registry-watch';
import { fromWireModel } from '../../../../lib/grpc/registry-wire';
import { keepaliveOptions, reconnectOptions } from '../../../../lib/grpc/target';
import { unary } from '../../../../lib/grpc/unary';
import type { Logger } from '../../../../lib/logger';
import { REQUEST_ID_KEY } from '../../../../lib/logger';
import { ModelChanges } from '../changes';
import type { ModelChange } from '../changes';
import type { ModelsConfig } from '../config';
import type { Model, TrafficPolicyChange, VersionRef } from '../domain';
import { toWirePolicyChange } from './wire';

export class RegistryClient {
  private constructor(
    private readonly client: ModelInferenceClient,
    private readonly options: InferenceCallOptions,
    private readonly watch: RegistryWatch,
    private readonly feed: ModelChanges,
  ) {}

  /** A client of the inference-grpc at INFERENCE_URL, with the config's reconnection, token and TLS; its watch started. */
  static connect(config: ModelsConfig, logger: Logger): RegistryClient {
    const client = createInferenceClient(
      config.inferenceUrl,
      { ...reconnectOptions(config.inferenceReconnectMaxMs), ...keepaliveOptions(config.inferenceKeepaliveMs) },
      config,
    );
    const options = { address: config.inferenceUrl, service: 'inference-grpc', deadlineMs: config.inferenceDeadlineMs, logger };
    const feed = new ModelChanges();
    const watch = new RegistryWatch(client, {
      maxStalenessMs: config.catalogMaxStalenessMs,
      stalenessSetting: 'CATALOG_MAX_STALENESS_MS',
      call: options,
      what: 'the model registry',
      onChange: (models) => feed.publish(models),
      onStale: (error) => feed.end(error),
    });
    watch.start();
    return new RegistryClient(client, options, watch, feed);
  }

  /** Ready while the copy of the registry is synced (CATALOG_MAX_STALENESS_MS). */
  isReady(): boolean {
    return this.watch.synced;
  }

  async list(): Promise<Model[]> {
    return [...(await this.watch.current()).values()];
  }

  /** The model, or undefined when the registry has none of that name. */
  async get(name: string): Promise<Model | undefined> {
    return (await this.watch.current()).get(name);
  }

  /**
   * Every model the copy applies a change to from now on, ending with INFERENCE_UNAVAILABLE once the copy stops
   * counting as current; refused as `list` is while it does not.
   */
  async changes(): Promise<AsyncIterableIterator<ModelChange>> {
    await this.watch.current();
    return this.feed.subscribe();
  }

  /** Changes the policy at inference-grpc; answers (and keeps) the state the change produced. */
  setTrafficPolicy(change: TrafficPolicyChange, requestId: string): Promise<Model> {
    const request = toWirePolicyChange(change);
    return this.write(requestId, (metadata, options, cb) => this.client.SetTrafficPolicy(request, metadata, options, cb));
  }

  /** Loads (or reloads) a version at inference-grpc, which answers once it has warmed up; answers (and keeps) the state. */
  loadVersion(version: VersionRef, requestId: string): Promise<Model> {
    return this.write(requestId, (metadata, options, cb) => this.client.RepositoryModelLoad(version, metadata, options, cb));
  }

  /** Unloads a version at inference-grpc, which answers once its in-flight predictions are done; answers (and keeps) the state. */
  unloadVersion(version: VersionRef, requestId: string): Promise<Model> {
    return this.write(requestId, (metadata, options, cb) => this.client.RepositoryModelUnload(version, metadata, options, cb));
  }

  /** One write to the registry: the model it answers is in the copy before the caller sees it (read-your-own-write). */
  private async write(
    requestId: string,
    send: (metadata: Metadata, options: CallOptions, cb: (err: ServiceError | null, value?: ModelInfo__Output) => void) => void,
  ): Promise<Model> {
    const metadata = new Metadata();
    metadata.set(REQUEST_ID_KEY, requestId);
    let answer: ModelInfo__Output;
    try {
      answer = await unary<ModelInfo__Output>((cb) => send(metadata, { deadline: Date.now() + this.options.deadlineMs }, cb));
    } catch (err) {
      throw describeCallFailure(err as ServiceError, this.options, 'the model registry', [requestId]);
    }
    const model = fromWireModel(answer);
    this.watch.applied(model);
    return model;
  }

  /** Stops the watch and closes the channel. */
  async dispose(): Promise<void> {
    await this.watch.dispose();
    this.client.close();
  }
}
