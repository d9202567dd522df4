// Original file: proto/inference.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetModelRequest as _infergraph_inference_v1_GetModelRequest, GetModelRequest__Output as _infergraph_inference_v1_GetModelRequest__Output } from '../../../infergraph/inference/v1/GetModelRequest';
import type { ListModelsRequest as _infergraph_inference_v1_ListModelsRequest, ListModelsRequest__Output as _infergraph_inference_v1_ListModelsRequest__Output } from '../../../infergraph/inference/v1/ListModelsRequest';
import type { ListModelsResponse as _infergraph_inference_v1_ListModelsResponse, ListModelsResponse__Output as _infergraph_inference_v1_ListModelsResponse__Output } from '../../../infergraph/inference/v1/ListModelsResponse';
import type { ModelEvent as _infergraph_inference_v1_ModelEvent, ModelEvent__Output as _infergraph_inference_v1_ModelEvent__Output } from '../../../infergraph/inference/v1/ModelEvent';
import type { ModelInfo as _infergraph_inference_v1_ModelInfo, ModelInfo__Output as _infergraph_inference_v1_ModelInfo__Output } from '../../../infergraph/inference/v1/ModelInfo';
import type { ModelStatisticsRequest as _infergraph_inference_v1_ModelStatisticsRequest, ModelStatisticsRequest__Output as _infergraph_inference_v1_ModelStatisticsRequest__Output } from '../../../infergraph/inference/v1/ModelStatisticsRequest';
import type { ModelStatisticsResponse as _infergraph_inference_v1_ModelStatisticsResponse, ModelStatisticsResponse__Output as _infergraph_inference_v1_ModelStatisticsResponse__Output } from '../../../infergraph/inference/v1/ModelStatisticsResponse';
import type { PredictBatchRequest as _infergraph_inference_v1_PredictBatchRequest, PredictBatchRequest__Output as _infergraph_inference_v1_PredictBatchRequest__Output } from '../../../infergraph/inference/v1/PredictBatchRequest';
import type { PredictBatchResponse as _infergraph_inference_v1_PredictBatchResponse, PredictBatchResponse__Output as _infergraph_inference_v1_PredictBatchResponse__Output } from '../../../infergraph/inference/v1/PredictBatchResponse';
import type { PredictBatchStreamItem as _infergraph_inference_v1_PredictBatchStreamItem, PredictBatchStreamItem__Output as _infergraph_inference_v1_PredictBatchStreamItem__Output } from '../../../infergraph/inference/v1/PredictBatchStreamItem';
import type { PredictRequest as _infergraph_inference_v1_PredictRequest, PredictRequest__Output as _infergraph_inference_v1_PredictRequest__Output } from '../../../infergraph/inference/v1/PredictRequest';
import type { PredictResponse as _infergraph_inference_v1_PredictResponse, PredictResponse__Output as _infergraph_inference_v1_PredictResponse__Output } from '../../../infergraph/inference/v1/PredictResponse';
import type { RepositoryIndexRequest as _infergraph_inference_v1_RepositoryIndexRequest, RepositoryIndexRequest__Output as _infergraph_inference_v1_RepositoryIndexRequest__Output } from '../../../infergraph/inference/v1/RepositoryIndexRequest';
import type { RepositoryIndexResponse as _infergraph_inference_v1_RepositoryIndexResponse, RepositoryIndexResponse__Output as _infergraph_inference_v1_RepositoryIndexResponse__Output } from '../../../infergraph/inference/v1/RepositoryIndexResponse';
import type { RepositoryModelLoadRequest as _infergraph_inference_v1_RepositoryModelLoadRequest, RepositoryModelLoadRequest__Output as _infergraph_inference_v1_RepositoryModelLoadRequest__Output } from '../../../infergraph/inference/v1/RepositoryModelLoadRequest';
import type { RepositoryModelUnloadRequest as _infergraph_inference_v1_RepositoryModelUnloadRequest, RepositoryModelUnloadRequest__Output as _infergraph_inference_v1_RepositoryModelUnloadRequest__Output } from '../../../infergraph/inference/v1/RepositoryModelUnloadRequest';
import type { SetTrafficPolicyRequest as _infergraph_inference_v1_SetTrafficPolicyRequest, SetTrafficPolicyRequest__Output as _infergraph_inference_v1_SetTrafficPolicyRequest__Output } from '../../../infergraph/inference/v1/SetTrafficPolicyRequest';
import type { WatchModelsRequest as _infergraph_inference_v1_WatchModelsRequest, WatchModelsRequest__Output as _infergraph_inference_v1_WatchModelsRequest__Output } from '../../../infergraph/inference/v1/WatchModelsRequest';

export interface ModelInferenceClient extends grpc.Client {
  GetModel(argument: _infergraph_inference_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _infergraph_inference_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _infergraph_inference_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _infergraph_inference_v1_GetModelRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _infergraph_inference_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _infergraph_inference_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _infergraph_inference_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _infergraph_inference_v1_GetModelRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
  ListModels(argument: _infergraph_inference_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _infergraph_inference_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _infergraph_inference_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _infergraph_inference_v1_ListModelsRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _infergraph_inference_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _infergraph_inference_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _infergraph_inference_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _infergraph_inference_v1_ListModelsRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Per-version statistics over the last STATS_WINDOW_SECONDS (or since the
   * version loaded, if later), like Triton's per-version statistics.
   */
  ModelStatistics(argument: _infergraph_inference_v1_ModelStatisticsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelStatisticsResponse__Output>): grpc.ClientUnaryCall;
  ModelStatistics(argument: _infergraph_inference_v1_ModelStatisticsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ModelStatisticsResponse__Output>): grpc.ClientUnaryCall;
  ModelStatistics(argument: _infergraph_inference_v1_ModelStatisticsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelStatisticsResponse__Output>): grpc.ClientUnaryCall;
  ModelStatistics(argument: _infergraph_inference_v1_ModelStatisticsRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ModelStatisticsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Per-version statistics over the last STATS_WINDOW_SECONDS (or since the
   * version loaded, if later), like Triton's per-version statistics.
   */
  modelStatistics(argument: _infergraph_inference_v1_ModelStatisticsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelStatisticsResponse__Output>): grpc.ClientUnaryCall;
  modelStatistics(argument: _infergraph_inference_v1_ModelStatisticsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ModelStatisticsResponse__Output>): grpc.ClientUnaryCall;
  modelStatistics(argument: _infergraph_inference_v1_ModelStatisticsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelStatisticsResponse__Output>): grpc.ClientUnaryCall;
  modelStatistics(argument: _infergraph_inference_v1_ModelStatisticsRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ModelStatisticsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * One input, one model version. An empty version means the default version.
   */
  Predict(argument: _infergraph_inference_v1_PredictRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_PredictResponse__Output>): grpc.ClientUnaryCall;
  Predict(argument: _infergraph_inference_v1_PredictRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_PredictResponse__Output>): grpc.ClientUnaryCall;
  Predict(argument: _infergraph_inference_v1_PredictRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_PredictResponse__Output>): grpc.ClientUnaryCall;
  Predict(argument: _infergraph_inference_v1_PredictRequest, callback: grpc.requestCallback<_infergraph_inference_v1_PredictResponse__Output>): grpc.ClientUnaryCall;
  /**
   * One input, one model version. An empty version means the default version.
   */
  predict(argument: _infergraph_inference_v1_PredictRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_PredictResponse__Output>): grpc.ClientUnaryCall;
  predict(argument: _infergraph_inference_v1_PredictRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_PredictResponse__Output>): grpc.ClientUnaryCall;
  predict(argument: _infergraph_inference_v1_PredictRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_PredictResponse__Output>): grpc.ClientUnaryCall;
  predict(argument: _infergraph_inference_v1_PredictRequest, callback: grpc.requestCallback<_infergraph_inference_v1_PredictResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Many inputs for one model version; every item gets its own result or error.
   * The answer comes when every item is done: an item that hangs holds the
   * call until its deadline (PredictBatchStream answers the others first).
   */
  PredictBatch(argument: _infergraph_inference_v1_PredictBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_PredictBatchResponse__Output>): grpc.ClientUnaryCall;
  PredictBatch(argument: _infergraph_inference_v1_PredictBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_PredictBatchResponse__Output>): grpc.ClientUnaryCall;
  PredictBatch(argument: _infergraph_inference_v1_PredictBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_PredictBatchResponse__Output>): grpc.ClientUnaryCall;
  PredictBatch(argument: _infergraph_inference_v1_PredictBatchRequest, callback: grpc.requestCallback<_infergraph_inference_v1_PredictBatchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Many inputs for one model version; every item gets its own result or error.
   * The answer comes when every item is done: an item that hangs holds the
   * call until its deadline (PredictBatchStream answers the others first).
   */
  predictBatch(argument: _infergraph_inference_v1_PredictBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_PredictBatchResponse__Output>): grpc.ClientUnaryCall;
  predictBatch(argument: _infergraph_inference_v1_PredictBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_PredictBatchResponse__Output>): grpc.ClientUnaryCall;
  predictBatch(argument: _infergraph_inference_v1_PredictBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_PredictBatchResponse__Output>): grpc.ClientUnaryCall;
  predictBatch(argument: _infergraph_inference_v1_PredictBatchRequest, callback: grpc.requestCallback<_infergraph_inference_v1_PredictBatchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The same, answering each item as soon as it is done, in completion order,
   * so a slow item never delays the others. Items still unanswered at the
   * deadline end with the call's DEADLINE_EXCEEDED.
   */
  PredictBatchStream(argument: _infergraph_inference_v1_PredictBatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_infergraph_inference_v1_PredictBatchStreamItem__Output>;
  PredictBatchStream(argument: _infergraph_inference_v1_PredictBatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_infergraph_inference_v1_PredictBatchStreamItem__Output>;
  /**
   * The same, answering each item as soon as it is done, in completion order,
   * so a slow item never delays the others. Items still unanswered at the
   * deadline end with the call's DEADLINE_EXCEEDED.
   */
  predictBatchStream(argument: _infergraph_inference_v1_PredictBatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_infergraph_inference_v1_PredictBatchStreamItem__Output>;
  predictBatchStream(argument: _infergraph_inference_v1_PredictBatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_infergraph_inference_v1_PredictBatchStreamItem__Output>;
  
  /**
   * Every model version of the repository on disk and its state (new folders included once scanned).
   */
  RepositoryIndex(argument: _infergraph_inference_v1_RepositoryIndexRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_RepositoryIndexResponse__Output>): grpc.ClientUnaryCall;
  RepositoryIndex(argument: _infergraph_inference_v1_RepositoryIndexRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_RepositoryIndexResponse__Output>): grpc.ClientUnaryCall;
  RepositoryIndex(argument: _infergraph_inference_v1_RepositoryIndexRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_RepositoryIndexResponse__Output>): grpc.ClientUnaryCall;
  RepositoryIndex(argument: _infergraph_inference_v1_RepositoryIndexRequest, callback: grpc.requestCallback<_infergraph_inference_v1_RepositoryIndexResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every model version of the repository on disk and its state (new folders included once scanned).
   */
  repositoryIndex(argument: _infergraph_inference_v1_RepositoryIndexRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_RepositoryIndexResponse__Output>): grpc.ClientUnaryCall;
  repositoryIndex(argument: _infergraph_inference_v1_RepositoryIndexRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_RepositoryIndexResponse__Output>): grpc.ClientUnaryCall;
  repositoryIndex(argument: _infergraph_inference_v1_RepositoryIndexRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_RepositoryIndexResponse__Output>): grpc.ClientUnaryCall;
  repositoryIndex(argument: _infergraph_inference_v1_RepositoryIndexRequest, callback: grpc.requestCallback<_infergraph_inference_v1_RepositoryIndexResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Loads (or reloads) one version, rescanning its folder first, runs its warmup inputs, and answers once it serves.
   */
  RepositoryModelLoad(argument: _infergraph_inference_v1_RepositoryModelLoadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  RepositoryModelLoad(argument: _infergraph_inference_v1_RepositoryModelLoadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  RepositoryModelLoad(argument: _infergraph_inference_v1_RepositoryModelLoadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  RepositoryModelLoad(argument: _infergraph_inference_v1_RepositoryModelLoadRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Loads (or reloads) one version, rescanning its folder first, runs its warmup inputs, and answers once it serves.
   */
  repositoryModelLoad(argument: _infergraph_inference_v1_RepositoryModelLoadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  repositoryModelLoad(argument: _infergraph_inference_v1_RepositoryModelLoadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  repositoryModelLoad(argument: _infergraph_inference_v1_RepositoryModelLoadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  repositoryModelLoad(argument: _infergraph_inference_v1_RepositoryModelLoadRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Unloads one version once its in-flight batches are done; refused for the default version or the canary.
   */
  RepositoryModelUnload(argument: _infergraph_inference_v1_RepositoryModelUnloadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  RepositoryModelUnload(argument: _infergraph_inference_v1_RepositoryModelUnloadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  RepositoryModelUnload(argument: _infergraph_inference_v1_RepositoryModelUnloadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  RepositoryModelUnload(argument: _infergraph_inference_v1_RepositoryModelUnloadRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Unloads one version once its in-flight batches are done; refused for the default version or the canary.
   */
  repositoryModelUnload(argument: _infergraph_inference_v1_RepositoryModelUnloadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  repositoryModelUnload(argument: _infergraph_inference_v1_RepositoryModelUnloadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  repositoryModelUnload(argument: _infergraph_inference_v1_RepositoryModelUnloadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  repositoryModelUnload(argument: _infergraph_inference_v1_RepositoryModelUnloadRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Changes the default version and/or the canary of one model at run time.
   */
  SetTrafficPolicy(argument: _infergraph_inference_v1_SetTrafficPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  SetTrafficPolicy(argument: _infergraph_inference_v1_SetTrafficPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  SetTrafficPolicy(argument: _infergraph_inference_v1_SetTrafficPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  SetTrafficPolicy(argument: _infergraph_inference_v1_SetTrafficPolicyRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Changes the default version and/or the canary of one model at run time.
   */
  setTrafficPolicy(argument: _infergraph_inference_v1_SetTrafficPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  setTrafficPolicy(argument: _infergraph_inference_v1_SetTrafficPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  setTrafficPolicy(argument: _infergraph_inference_v1_SetTrafficPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  setTrafficPolicy(argument: _infergraph_inference_v1_SetTrafficPolicyRequest, callback: grpc.requestCallback<_infergraph_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Streams one SNAPSHOT event per model, then every registry change.
   */
  WatchModels(argument: _infergraph_inference_v1_WatchModelsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_infergraph_inference_v1_ModelEvent__Output>;
  WatchModels(argument: _infergraph_inference_v1_WatchModelsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_infergraph_inference_v1_ModelEvent__Output>;
  /**
   * Streams one SNAPSHOT event per model, then every registry change.
   */
  watchModels(argument: _infergraph_inference_v1_WatchModelsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_infergraph_inference_v1_ModelEvent__Output>;
  watchModels(argument: _infergraph_inference_v1_WatchModelsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_infergraph_inference_v1_ModelEvent__Output>;
  
}

export interface ModelInferenceHandlers extends grpc.UntypedServiceImplementation {
  GetModel: grpc.handleUnaryCall<_infergraph_inference_v1_GetModelRequest__Output, _infergraph_inference_v1_ModelInfo>;
  
  ListModels: grpc.handleUnaryCall<_infergraph_inference_v1_ListModelsRequest__Output, _infergraph_inference_v1_ListModelsResponse>;
  
  /**
   * Per-version statistics over the last STATS_WINDOW_SECONDS (or since the
   * version loaded, if later), like Triton's per-version statistics.
   */
  ModelStatistics: grpc.handleUnaryCall<_infergraph_inference_v1_ModelStatisticsRequest__Output, _infergraph_inference_v1_ModelStatisticsResponse>;
  
  /**
   * One input, one model version. An empty version means the default version.
   */
  Predict: grpc.handleUnaryCall<_infergraph_inference_v1_PredictRequest__Output, _infergraph_inference_v1_PredictResponse>;
  
  /**
   * Many inputs for one model version; every item gets its own result or error.
   * The answer comes when every item is done: an item that hangs holds the
   * call until its deadline (PredictBatchStream answers the others first).
   */
  PredictBatch: grpc.handleUnaryCall<_infergraph_inference_v1_PredictBatchRequest__Output, _infergraph_inference_v1_PredictBatchResponse>;
  
  /**
   * The same, answering each item as soon as it is done, in completion order,
   * so a slow item never delays the others. Items still unanswered at the
   * deadline end with the call's DEADLINE_EXCEEDED.
   */
  PredictBatchStream: grpc.handleServerStreamingCall<_infergraph_inference_v1_PredictBatchRequest__Output, _infergraph_inference_v1_PredictBatchStreamItem>;
  
  /**
   * Every model version of the repository on disk and its state (new folders included once scanned).
   */
  RepositoryIndex: grpc.handleUnaryCall<_infergraph_inference_v1_RepositoryIndexRequest__Output, _infergraph_inference_v1_RepositoryIndexResponse>;
  
  /**
   * Loads (or reloads) one version, rescanning its folder first, runs its warmup inputs, and answers once it serves.
   */
  RepositoryModelLoad: grpc.handleUnaryCall<_infergraph_inference_v1_RepositoryModelLoadRequest__Output, _infergraph_inference_v1_ModelInfo>;
  
  /**
   * Unloads one version once its in-flight batches are done; refused for the default version or the canary.
   */
  RepositoryModelUnload: grpc.handleUnaryCall<_infergraph_inference_v1_RepositoryModelUnloadRequest__Output, _infergraph_inference_v1_ModelInfo>;
  
  /**
   * Changes the default version and/or the canary of one model at run time.
   */
  SetTrafficPolicy: grpc.handleUnaryCall<_infergraph_inference_v1_SetTrafficPolicyRequest__Output, _infergraph_inference_v1_ModelInfo>;
  
  /**
   * Streams one SNAPSHOT event per model, then every registry change.
   */
  WatchModels: grpc.handleServerStreamingCall<_infergraph_inference_v1_WatchModelsRequest__Output, _infergraph_inference_v1_ModelEvent>;
  
}

export interface ModelInferenceDefinition extends grpc.ServiceDefinition {
  GetModel: MethodDefinition<_infergraph_inference_v1_GetModelRequest, _infergraph_inference_v1_ModelInfo, _infergraph_inference_v1_GetModelRequest__Output, _infergraph_inference_v1_ModelInfo__Output>
  ListModels: MethodDefinition<_infergraph_inference_v1_ListModelsRequest, _infergraph_inference_v1_ListModelsResponse, _infergraph_inference_v1_ListModelsRequest__Output, _infergraph_inference_v1_ListModelsResponse__Output>
  ModelStatistics: MethodDefinition<_infergraph_inference_v1_ModelStatisticsRequest, _infergraph_inference_v1_ModelStatisticsResponse, _infergraph_inference_v1_ModelStatisticsRequest__Output, _infergraph_inference_v1_ModelStatisticsResponse__Output>
  Predict: MethodDefinition<_infergraph_inference_v1_PredictRequest, _infergraph_inference_v1_PredictResponse, _infergraph_inference_v1_PredictRequest__Output, _infergraph_inference_v1_PredictResponse__Output>
  PredictBatch: MethodDefinition<_infergraph_inference_v1_PredictBatchRequest, _infergraph_inference_v1_PredictBatchResponse, _infergraph_inference_v1_PredictBatchRequest__Output, _infergraph_inference_v1_PredictBatchResponse__Output>
  PredictBatchStream: MethodDefinition<_infergraph_inference_v1_PredictBatchRequest, _infergraph_inference_v1_PredictBatchStreamItem, _infergraph_inference_v1_PredictBatchRequest__Output, _infergraph_inference_v1_PredictBatchStreamItem__Output>
  RepositoryIndex: MethodDefinition<_infergraph_inference_v1_RepositoryIndexRequest, _infergraph_inference_v1_RepositoryIndexResponse, _infergraph_inference_v1_RepositoryIndexRequest__Output, _infergraph_inference_v1_RepositoryIndexResponse__Output>
  RepositoryModelLoad: MethodDefinition<_infergraph_inference_v1_RepositoryModelLoadRequest, _infergraph_inference_v1_ModelInfo, _infergraph_inference_v1_RepositoryModelLoadRequest__Output, _infergraph_inference_v1_ModelInfo__Output>
  RepositoryModelUnload: MethodDefinition<_infergraph_inference_v1_RepositoryModelUnloadRequest, _infergraph_inference_v1_ModelInfo, _infergraph_inference_v1_RepositoryModelUnloadRequest__Output, _infergraph_inference_v1_ModelInfo__Output>
  SetTrafficPolicy: MethodDefinition<_infergraph_inference_v1_SetTrafficPolicyRequest, _infergraph_inference_v1_ModelInfo, _infergraph_inference_v1_SetTrafficPolicyRequest__Output, _infergraph_inference_v1_ModelInfo__Output>
  WatchModels: MethodDefinition<_infergraph_inference_v1_WatchModelsRequest, _infergraph_inference_v1_ModelEvent, _infergraph_inference_v1_WatchModelsRequest__Output, _infergraph_inference_v1_ModelEvent__Output>
}
