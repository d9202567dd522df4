// Original file: proto/inference.proto


export interface NumericOutput {
  'classId'?: (number);
  'probability'?: (number | string);
  'label'?: (string);
}

export interface NumericOutput__Output {
  'classId': (number);
  'probability': (number);
  'label': (string);
}
