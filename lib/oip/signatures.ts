/**
 * How InferGraph's two kinds of model look as OIP tensors: the contract our
 * OIP server serves and the prediction subgraph expects of any OIP server
 * (Triton, KServe). `-1` is a dimension of any size; the first is the batch.
 */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: 'BYTES' | 'FP32' | 'INT64';
  readonly shape: readonly number[];
}

export interface ModelSignature {
  readonly input: TensorSpec;
  readonly outputs: readonly TensorSpec[];
}

/** Text models (sentiment): one text per batch element; label POSITIVE / NEGATIVE / NEUTRAL. */
export const TEXT_SIGNATURE: ModelSignature = {
  input: { name: 'text', datatype: 'BYTES', shape: [-1] },
  outputs: [
    { name: 'label', datatype: 'BYTES', shape: [-1] },
    { name: 'score', datatype: 'FP32', shape: [-1] },
    { name: 'confidence', datatype: 'FP32', shape: [-1] },
  ],
};

/**
 * Numeric models: one row of n features per batch element. `label` (the
 * class's name) is optional for other servers: without it the class id is the label.
 */
const FEATURES_SIGNATURE: ModelSignature = {
  input: { name: 'features', datatype: 'FP32', shape: [-1, -1] },
  outputs: [
    { name: 'class_id', datatype: 'INT64', shape: [-1] },
    { name: 'probability', datatype: 'FP32', shape: [-1] },
    { name: 'label', datatype: 'BYTES', shape: [-1] },
  ],
};

export function signatureOf(kind: 'TEXT' | 'FEATURES'): ModelSignature {
  return kind === 'TEXT' ? TEXT_SIGNATURE : FEATURES_SIGNATURE;
}

export function describeTensor(spec: TensorSpec): string {
  return `${spec.name} (${spec.datatype}, shape [${spec.shape.map((d, i) => (d >= 0 ? String(d) : i === 0 ? 'batch' : 'n')).join(', ')}])`;
}
