// Original file: proto/inference.proto

import type { InputKind as _infergraph_inference_v1_InputKind, InputKind__Output as _infergraph_inference_v1_InputKind__Output } from '../../../infergraph/inference/v1/InputKind';
import type { CanaryPolicy as _infergraph_inference_v1_CanaryPolicy, CanaryPolicy__Output as _infergraph_inference_v1_CanaryPolicy__Output } from '../../../infergraph/inference/v1/CanaryPolicy';
import type { ModelVersionInfo as _infergraph_inference_v1_ModelVersionInfo, ModelVersionInfo__Output as _infergraph_inference_v1_ModelVersionInfo__Output } from '../../../infergraph/inference/v1/ModelVersionInfo';

export interface ModelInfo {
  'name'?: (string);
  'description'?: (string);
  'inputKind'?: (_infergraph_inference_v1_InputKind);
  'defaultVersion'?: (string);
  /**
   * Unset when the model has no canary.
   */
  'canary'?: (_infergraph_inference_v1_CanaryPolicy | null);
  'versions'?: (_infergraph_inference_v1_ModelVersionInfo)[];
}

export interface ModelInfo__Output {
  'name': (string);
  'description': (string);
  'inputKind': (_infergraph_inference_v1_InputKind__Output);
  'defaultVersion': (string);
  /**
   * Unset when the model has no canary.
   */
  'canary': (_infergraph_inference_v1_CanaryPolicy__Output | null);
  'versions': (_infergraph_inference_v1_ModelVersionInfo__Output)[];
}
