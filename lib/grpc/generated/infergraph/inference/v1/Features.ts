// Original file: proto/inference.proto


export interface Features {
  'values'?: (number | string)[];
}

export interface Features__Output {
  'values': (number)[];
}
