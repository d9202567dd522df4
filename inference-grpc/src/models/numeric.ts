/**
 * A mock numeric classifier standing in for a model on an accelerator.
 *
 * Deterministic: the class and probability come from a fixed linear layer
 * whose weights are a hash of (version seed, class, feature index), so the
 * same features and version always give the same answer and versions differ.
 * Each batch costs `batchLatencyMs` whatever its size plus a small cost per
 * item, and the batcher runs one batch at a time per version, as one device
 * would: batching is what makes it fast.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { LoadedModel, ModelInput, ModelOutput } from './types';

export const NUMERIC_CLASSES = ['low', 'medium', 'high'] as const;

export interface NumericCost {
  readonly batchLatencyMs: number;
  readonly itemLatencyUs: number;
}

/** A 32-bit integer hash (murmur3's finaliser) of three integers, mapped to [-1, 1). */
function weight(seed: number, classId: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(classId + 1, 0xc2b2ae35) ^ Math.imul(index + 1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 31 - 1;
}

export function classify(seed: number, features: readonly number[]): ModelOutput {
  const logits = NUMERIC_CLASSES.map((_, c) => {
    let sum = weight(seed, c, -1);
    features.forEach((x, i) => {
      sum += weight(seed, c, i) * Math.tanh(x);
    });
    return sum;
  });
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const classId = logits.indexOf(max);
  return { kind: 'numeric', classId, probability: (exps[classId] ?? 0) / total, label: NUMERIC_CLASSES[classId] ?? 'unknown' };
}

/** A numeric-mock version: `seed` (from its params.json) picks its weights, `cost` is the service's NUMERIC_LATENCY_MS / NUMERIC_ITEM_LATENCY_US. */
export function numericVersion(seed: number, cost: NumericCost): LoadedModel {
  return {
    async run(inputs: readonly ModelInput[]): Promise<ModelOutput[]> {
      await sleep(cost.batchLatencyMs + (cost.itemLatencyUs * inputs.length) / 1000);
      return inputs.map((input) => {
        if (input.kind !== 'features') throw new Error('numeric models take feature input');
        return classify(seed, input.values);
      });
    },
  };
}
