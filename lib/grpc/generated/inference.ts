import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CanaryPolicy as _infergraph_inference_v1_CanaryPolicy, CanaryPolicy__Output as _infergraph_inference_v1_CanaryPolicy__Output } from './infergraph/inference/v1/CanaryPolicy';
import type { Features as _infergraph_inference_v1_Features, Features__Output as _infergraph_inference_v1_Features__Output } from './infergraph/inference/v1/Features';
import type { GetModelRequest as _infergraph_inference_v1_GetModelRequest, GetModelRequest__Output as _infergraph_inference_v1_GetModelRequest__Output } from './infergraph/inference/v1/GetModelRequest';
import type { ItemError as _infergraph_inference_v1_ItemError, ItemError__Output as _infergraph_inference_v1_ItemError__Output } from './infergraph/inference/v1/ItemError';
import type { LatencyQuantiles as _infergraph_inference_v1_LatencyQuantiles, LatencyQuantiles__Output as _infergraph_inference_v1_LatencyQuantiles__Output } from './infergraph/inference/v1/LatencyQuantiles';
import type { ListModelsRequest as _infergraph_inference_v1_ListModelsRequest, ListModelsRequest__Output as _infergraph_inference_v1_ListModelsRequest__Output } from './infergraph/inference/v1/ListModelsRequest';
import type { ListModelsResponse as _infergraph_inference_v1_ListModelsResponse, ListModelsResponse__Output as _infergraph_inference_v1_ListModelsResponse__Output } from './infergraph/inference/v1/ListModelsResponse';
import type { ModelEvent as _infergraph_inference_v1_ModelEvent, ModelEvent__Output as _infergraph_inference_v1_ModelEvent__Output } from './infergraph/inference/v1/ModelEvent';
import type { ModelInferenceClient as _infergraph_inference_v1_ModelInferenceClient, ModelInferenceDefinition as _infergraph_inference_v1_ModelInferenceDefinition } from './infergraph/inference/v1/ModelInference';
import type { ModelInfo as _infergraph_inference_v1_ModelInfo, ModelInfo__Output as _infergraph_inference_v1_ModelInfo__Output } from './infergraph/inference/v1/ModelInfo';
import type { ModelStatisticsRequest as _infergraph_inference_v1_ModelStatisticsRequest, ModelStatisticsRequest__Output as _infergraph_inference_v1_ModelStatisticsRequest__Output } from './infergraph/inference/v1/ModelStatisticsRequest';
import type { ModelStatisticsResponse as _infergraph_inference_v1_ModelStatisticsResponse, ModelStatisticsResponse__Output as _infergraph_inference_v1_ModelStatisticsResponse__Output } from './infergraph/inference/v1/ModelStatisticsResponse';
import type { ModelVersionInfo as _infergraph_inference_v1_ModelVersionInfo, ModelVersionInfo__Output as _infergraph_inference_v1_ModelVersionInfo__Output } from './infergraph/inference/v1/ModelVersionInfo';
import type { NumericOutput as _infergraph_inference_v1_NumericOutput, NumericOutput__Output as _infergraph_inference_v1_NumericOutput__Output } from './infergraph/inference/v1/NumericOutput';
import type { PredictBatchItem as _infergraph_inference_v1_PredictBatchItem, PredictBatchItem__Output as _infergraph_inference_v1_PredictBatchItem__Output } from './infergraph/inference/v1/PredictBatchItem';
import type { PredictBatchRequest as _infergraph_inference_v1_PredictBatchRequest, PredictBatchRequest__Output as _infergraph_inference_v1_PredictBatchRequest__Output } from './infergraph/inference/v1/PredictBatchRequest';
import type { PredictBatchResponse as _infergraph_inference_v1_PredictBatchResponse, PredictBatchResponse__Output as _infergraph_inference_v1_PredictBatchResponse__Output } from './infergraph/inference/v1/PredictBatchResponse';
import type { PredictBatchStreamItem as _infergraph_inference_v1_PredictBatchStreamItem, PredictBatchStreamItem__Output as _infergraph_inference_v1_PredictBatchStreamItem__Output } from './infergraph/inference/v1/PredictBatchStreamItem';
import type { PredictInput as _infergraph_inference_v1_PredictInput, PredictInput__Output as _infergraph_inference_v1_PredictInput__Output } from './infergraph/inference/v1/PredictInput';
import type { PredictRequest as _infergraph_inference_v1_PredictRequest, PredictRequest__Output as _infergraph_inference_v1_PredictRequest__Output } from './infergraph/inference/v1/PredictRequest';
import type { PredictResponse as _infergraph_inference_v1_PredictResponse, PredictResponse__Output as _infergraph_inference_v1_PredictResponse__Output } from './infergraph/inference/v1/PredictResponse';
import type { Prediction as _infergraph_inference_v1_Prediction, Prediction__Output as _infergraph_inference_v1_Prediction__Output } from './infergraph/inference/v1/Prediction';
import type { RepositoryIndexRequest as _infergraph_inference_v1_RepositoryIndexRequest, RepositoryIndexRequest__Output as _infergraph_inference_v1_RepositoryIndexRequest__Output } from './infergraph/inference/v1/RepositoryIndexRequest';
import type { RepositoryIndexResponse as _infergraph_inference_v1_RepositoryIndexResponse, RepositoryIndexResponse__Output as _infergraph_inference_v1_RepositoryIndexResponse__Output } from './infergraph/inference/v1/RepositoryIndexResponse';
import type { RepositoryModelIndex as _infergraph_inference_v1_RepositoryModelIndex, RepositoryModelIndex__Output as _infergraph_inference_v1_RepositoryModelIndex__Output } from './infergraph/inference/v1/RepositoryModelIndex';
import type { RepositoryModelLoadRequest as _infergraph_inference_v1_RepositoryModelLoadRequest, RepositoryModelLoadRequest__Output as _infergraph_inference_v1_RepositoryModelLoadRequest__Output } from './infergraph/inference/v1/RepositoryModelLoadRequest';
import type { RepositoryModelUnloadRequest as _infergraph_inference_v1_RepositoryModelUnloadRequest, RepositoryModelUnloadRequest__Output as _infergraph_inference_v1_RepositoryModelUnloadRequest__Output } from './infergraph/inference/v1/RepositoryModelUnloadRequest';
import type { SentimentOutput as _infergraph_inference_v1_SentimentOutput, SentimentOutput__Output as _infergraph_inference_v1_SentimentOutput__Output } from './infergraph/inference/v1/SentimentOutput';
import type { SetTrafficPolicyRequest as _infergraph_inference_v1_SetTrafficPolicyRequest, SetTrafficPolicyRequest__Output as _infergraph_inference_v1_SetTrafficPolicyRequest__Output } from './infergraph/inference/v1/SetTrafficPolicyRequest';
import type { VersionStatistics as _infergraph_inference_v1_VersionStatistics, VersionStatistics__Output as _infergraph_inference_v1_VersionStatistics__Output } from './infergraph/inference/v1/VersionStatistics';
import type { WatchModelsRequest as _infergraph_inference_v1_WatchModelsRequest, WatchModelsRequest__Output as _infergraph_inference_v1_WatchModelsRequest__Output } from './infergraph/inference/v1/WatchModelsRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  infergraph: {
    inference: {
      v1: {
        CanaryPolicy: MessageTypeDefinition<_infergraph_inference_v1_CanaryPolicy, _infergraph_inference_v1_CanaryPolicy__Output>
        Features: MessageTypeDefinition<_infergraph_inference_v1_Features, _infergraph_inference_v1_Features__Output>
        GetModelRequest: MessageTypeDefinition<_infergraph_inference_v1_GetModelRequest, _infergraph_inference_v1_GetModelRequest__Output>
        InputKind: EnumTypeDefinition
        ItemError: MessageTypeDefinition<_infergraph_inference_v1_ItemError, _infergraph_inference_v1_ItemError__Output>
        LatencyQuantiles: MessageTypeDefinition<_infergraph_inference_v1_LatencyQuantiles, _infergraph_inference_v1_LatencyQuantiles__Output>
        ListModelsRequest: MessageTypeDefinition<_infergraph_inference_v1_ListModelsRequest, _infergraph_inference_v1_ListModelsRequest__Output>
        ListModelsResponse: MessageTypeDefinition<_infergraph_inference_v1_ListModelsResponse, _infergraph_inference_v1_ListModelsResponse__Output>
        ModelEvent: MessageTypeDefinition<_infergraph_inference_v1_ModelEvent, _infergraph_inference_v1_ModelEvent__Output>
        ModelEventKind: EnumTypeDefinition
        ModelInference: SubtypeConstructor<typeof grpc.Client, _infergraph_inference_v1_ModelInferenceClient> & { service: _infergraph_inference_v1_ModelInferenceDefinition }
        ModelInfo: MessageTypeDefinition<_infergraph_inference_v1_ModelInfo, _infergraph_inference_v1_ModelInfo__Output>
        ModelStatisticsRequest: MessageTypeDefinition<_infergraph_inference_v1_ModelStatisticsRequest, _infergraph_inference_v1_ModelStatisticsRequest__Output>
        ModelStatisticsResponse: MessageTypeDefinition<_infergraph_inference_v1_ModelStatisticsResponse, _infergraph_inference_v1_ModelStatisticsResponse__Output>
        ModelVersionInfo: MessageTypeDefinition<_infergraph_inference_v1_ModelVersionInfo, _infergraph_inference_v1_ModelVersionInfo__Output>
        NumericOutput: MessageTypeDefinition<_infergraph_inference_v1_NumericOutput, _infergraph_inference_v1_NumericOutput__Output>
        PredictBatchItem: MessageTypeDefinition<_infergraph_inference_v1_PredictBatchItem, _infergraph_inference_v1_PredictBatchItem__Output>
        PredictBatchRequest: MessageTypeDefinition<_infergraph_inference_v1_PredictBatchRequest, _infergraph_inference_v1_PredictBatchRequest__Output>
        PredictBatchResponse: MessageTypeDefinition<_infergraph_inference_v1_PredictBatchResponse, _infergraph_inference_v1_PredictBatchResponse__Output>
        PredictBatchStreamItem: MessageTypeDefinition<_infergraph_inference_v1_PredictBatchStreamItem, _infergraph_inference_v1_PredictBatchStreamItem__Output>
        PredictInput: MessageTypeDefinition<_infergraph_inference_v1_PredictInput, _infergraph_inference_v1_PredictInput__Output>
        PredictRequest: MessageTypeDefinition<_infergraph_inference_v1_PredictRequest, _infergraph_inference_v1_PredictRequest__Output>
        PredictResponse: MessageTypeDefinition<_infergraph_inference_v1_PredictResponse, _infergraph_inference_v1_PredictResponse__Output>
        Prediction: MessageTypeDefinition<_infergraph_inference_v1_Prediction, _infergraph_inference_v1_Prediction__Output>
        RepositoryIndexRequest: MessageTypeDefinition<_infergraph_inference_v1_RepositoryIndexRequest, _infergraph_inference_v1_RepositoryIndexRequest__Output>
        RepositoryIndexResponse: MessageTypeDefinition<_infergraph_inference_v1_RepositoryIndexResponse, _infergraph_inference_v1_RepositoryIndexResponse__Output>
        RepositoryModelIndex: MessageTypeDefinition<_infergraph_inference_v1_RepositoryModelIndex, _infergraph_inference_v1_RepositoryModelIndex__Output>
        RepositoryModelLoadRequest: MessageTypeDefinition<_infergraph_inference_v1_RepositoryModelLoadRequest, _infergraph_inference_v1_RepositoryModelLoadRequest__Output>
        RepositoryModelUnloadRequest: MessageTypeDefinition<_infergraph_inference_v1_RepositoryModelUnloadRequest, _infergraph_inference_v1_RepositoryModelUnloadRequest__Output>
        SentimentLabel: EnumTypeDefinition
        SentimentOutput: MessageTypeDefinition<_infergraph_inference_v1_SentimentOutput, _infergraph_inference_v1_SentimentOutput__Output>
        SetTrafficPolicyRequest: MessageTypeDefinition<_infergraph_inference_v1_SetTrafficPolicyRequest, _infergraph_inference_v1_SetTrafficPolicyRequest__Output>
        VersionState: EnumTypeDefinition
        VersionStatistics: MessageTypeDefinition<_infergraph_inference_v1_VersionStatistics, _infergraph_inference_v1_VersionStatistics__Output>
        WatchModelsRequest: MessageTypeDefinition<_infergraph_inference_v1_WatchModelsRequest, _infergraph_inference_v1_WatchModelsRequest__Output>
      }
    }
  }
}

