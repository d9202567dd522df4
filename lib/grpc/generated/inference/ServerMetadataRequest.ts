// Original file: proto/open_inference.proto


export interface ServerMetadataRequest {
}

export interface ServerMetadataRequest__Output {
}
