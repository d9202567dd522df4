// Original file: proto/open_inference.proto


export interface ServerLiveRequest {
}

export interface ServerLiveRequest__Output {
}
