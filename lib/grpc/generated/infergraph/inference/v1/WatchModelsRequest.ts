// Original file: proto/inference.proto


export interface WatchModelsRequest {
}

export interface WatchModelsRequest__Output {
}
