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

/** The output tensor that carries each field of a text model's answer. */
export const TEXT_OUTPUTS = { label: 'label', score: 'score', confidence: 'confidence' } as const;

/** The output tensor that carries each field of a numeric model's answer. */
export const FEATURES_OUTPUTS = { classId: 'class_id', probability: 'probability', label: 'label' } as const;

/**
 * The value output tensor `name` carries for one answer, given which tensor
 * carries each field (TEXT_OUTPUTS or FEATURES_OUTPUTS); undefined when no
 * field travels in that tensor.
 */
export function outputValue<F extends string>(
  outputs: Readonly<Record<F, string>>,
  answer: Readonly<Record<NoInfer<F>, string | number>>,
  name: string,
): string | number | undefined {
  for (const field in outputs) {
    if (outputs[field] === name) return answer[field];
  }
  return undefined;
}

/** Text models (sentiment): one text per batch element; label POSITIVE / NEGATIVE / NEUTRAL. */
export const TEXT_SIGNATURE: ModelSignature = {
  input: { name: 'text', datatype: 'BYTES', shape: [-1] },
  outputs: [
    { name: TEXT_OUTPUTS.label, datatype: 'BYTES', shape: [-1] },
    { name: TEXT_OUTPUTS.score, datatype: 'FP32', shape: [-1] },
    { name: TEXT_OUTPUTS.confidence, datatype: 'FP32', shape: [-1] },
  ],
};

/**
 * Numeric models: one row of n features per batch element. `label` (the
 * class's name) is optional for other servers: without it the class id is the label.
 */
const FEATURES_SIGNATURE: ModelSignature = {
  input: { name: 'features', datatype: 'FP32', shape: [-1, -1] },
  outputs: [
    { name: FEATURES_OUTPUTS.classId, datatype: 'INT64', shape: [-1] },
    { name: FEATURES_OUTPUTS.probability, datatype: 'FP32', shape: [-1] },
    { name: FEATURES_OUTPUTS.label, datatype: 'BYTES', shape: [-1] },
  ],
};

export function signatureOf(kind: 'TEXT' | 'FEATURES'): ModelSignature {
  return kind === 'TEXT' ? TEXT_SIGNATURE : FEATURES_SIGNATURE;
}

export function describeTensor(spec: TensorSpec): string {
  return `${spec.name} (${spec.datatype}, shape [${spec.shape.map((d, i) => (d >= 0 ? String(d) : i === 0 ? 'batch' : 'n')).join(', ')}])`;
}
