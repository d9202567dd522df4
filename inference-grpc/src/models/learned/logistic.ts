/**
 * L2-regularised logistic regression over naive-Bayes-weighted binary features
 * (Wang & Manning's NBSVM idea with a logistic loss), plus dense real features.
 * Trained by full-batch gradient descent with Nesterov momentum for a fixed
 * number of iterations: no randomness, so the same rows give the same weights.
 */

export interface TrainingRow {
  /** Vocabulary indices of the binary features present. */
  readonly indices: readonly number[];
  /** Real-valued features, the same count in every row. */
  readonly dense: readonly number[];
  readonly positive: boolean;
}

export interface LogisticOptions {
  /** Smoothing of the naive-Bayes counts. */
  readonly alpha: number;
  /** L2 penalty on every weight but the bias (per row of the mean loss). */
  readonly l2: number;
  readonly iterations: number;
  readonly learningRate: number;
  readonly momentum: number;
}

export interface LogisticModel {
  readonly bias: number;
  /** Effective weight of each binary feature: learned weight times its log-count ratio. */
  readonly sparse: Float64Array;
  readonly dense: Float64Array;
}

/** Log of (smoothed share among positive rows) / (smoothed share among negative rows), per feature. */
export function logCountRatios(rows: readonly TrainingRow[], size: number, alpha: number): Float64Array {
  const pos = new Float64Array(size).fill(alpha);
  const neg = new Float64Array(size).fill(alpha);
  for (const row of rows) {
    const counts = row.positive ? pos : neg;
    for (const i of row.indices) counts[i] = (counts[i] ?? 0) + 1;
  }
  const posTotal = pos.reduce((a, b) => a + b, 0);
  const negTotal = neg.reduce((a, b) => a + b, 0);
  return pos.map((p, i) => Math.log(p / posTotal) - Math.log((neg[i] ?? alpha) / negTotal));
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function trainLogistic(rows: readonly TrainingRow[], size: number, options: LogisticOptions): LogisticModel {
  const ratios = logCountRatios(rows, size, options.alpha);
  const denseSize = rows[0]?.dense.length ?? 0;
  // Parameters: [bias, sparse..., dense...]; x_j = ratio_j for a present binary feature.
  const n = 1 + size + denseSize;
  const w = new Float64Array(n);
  const velocity = new Float64Array(n);
  const look = new Float64Array(n);
  const grad = new Float64Array(n);
  const scale = 1 / rows.length;
  for (let it = 0; it < options.iterations; it++) {
    for (let j = 0; j < n; j++) look[j] = (w[j] ?? 0) + options.momentum * (velocity[j] ?? 0);
    grad.fill(0);
    for (const row of rows) {
      let z = look[0] ?? 0;
      for (const i of row.indices) z += (look[1 + i] ?? 0) * (ratios[i] ?? 0);
      for (let d = 0; d < denseSize; d++) z += (look[1 + size + d] ?? 0) * (row.dense[d] ?? 0);
      const error = (sigmoid(z) - (row.positive ? 1 : 0)) * scale;
      grad[0] = (grad[0] ?? 0) + error;
      for (const i of row.indices) grad[1 + i] = (grad[1 + i] ?? 0) + error * (ratios[i] ?? 0);
      for (let d = 0; d < denseSize; d++) grad[1 + size + d] = (grad[1 + size + d] ?? 0) + error * (row.dense[d] ?? 0);
    }
    for (let j = 1; j < n; j++) grad[j] = (grad[j] ?? 0) + options.l2 * (look[j] ?? 0);
    for (let j = 0; j < n; j++) {
      const v = options.momentum * (velocity[j] ?? 0) - options.learningRate * (grad[j] ?? 0);
      velocity[j] = v;
      w[j] = (w[j] ?? 0) + v;
    }
  }
  return {
    bias: w[0] ?? 0,
    sparse: Float64Array.from({ length: size }, (_, i) => (w[1 + i] ?? 0) * (ratios[i] ?? 0)),
    dense: w.slice(1 + size),
  };
}
