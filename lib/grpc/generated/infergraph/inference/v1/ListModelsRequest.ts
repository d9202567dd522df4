// Original file: proto/inference.proto


export interface ListModelsRequest {
}

export interface ListModelsRequest__Output {
}
