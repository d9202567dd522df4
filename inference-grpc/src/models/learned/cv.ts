/** Stratified k-fold cross-validation with a seeded fold assignment, so every run scores the same folds. */

/** Mulberry32: a small seeded PRNG giving floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A fold number in [0, k) per item: items are grouped by stratum, each group is
 * shuffled (Fisher-Yates, seeded) and dealt round-robin, so every fold holds
 * each stratum in proportion.
 */
export function stratifiedFolds(strata: readonly string[], k: number, seed: number): number[] {
  const random = seededRandom(seed);
  const groups = new Map<string, number[]>();
  strata.forEach((s, i) => groups.set(s, [...(groups.get(s) ?? []), i]));
  const folds = new Array<number>(strata.length).fill(0);
  let next = 0;
  for (const key of [...groups.keys()].sort()) {
    const members = groups.get(key) ?? [];
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j] ?? 0, members[i] ?? 0];
    }
    for (const member of members) {
      folds[member] = next;
      next = (next + 1) % k;
    }
  }
  return folds;
}

/**
 * Out-of-fold predictions: for each fold, `fit` sees the other folds' items and
 * answers a predictor, which then scores the held-out items only.
 */
export function crossValidate<T>(
  items: readonly T[],
  folds: readonly number[],
  k: number,
  fit: (training: readonly T[]) => (item: T) => boolean,
): boolean[] {
  const predictions = new Array<boolean>(items.length).fill(false);
  for (let fold = 0; fold < k; fold++) {
    const predict = fit(items.filter((_, i) => folds[i] !== fold));
    items.forEach((item, i) => {
      if (folds[i] === fold) predictions[i] = predict(item);
    });
  }
  return predictions;
}
