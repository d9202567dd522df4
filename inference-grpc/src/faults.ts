/**
 * Fault hooks kept from the original inference hub, for fault tests:
 * the text `simulate-timeout` sleeps past the caller's deadline, and
 * `simulate-error` fails like a broken model. They act only with FAULT_HOOKS
 * on (the engine asks), else those texts are ordinary input. They act before batching, so a
 * sleeping input never holds the other inputs of its batch hostage; inside one
 * PredictBatch call it is answered as timed out once the other items are done.
 * SIMULATE_LOAD_FAILURE (configuration) makes named versions fail to load.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { InferGraphError } from '../../lib/errors';
import type { ModelDefinition, ModelInput } from './models/types';

export const SIMULATE_TIMEOUT = 'simulate-timeout';
export const SIMULATE_ERROR = 'simulate-error';
/** How far past the deadline a simulated timeout sleeps, and how long when there is no deadline. */
const PAST_DEADLINE_MS = 1000;
const NO_DEADLINE_SLEEP_MS = 60_000;

export function faultOf(input: ModelInput): typeof SIMULATE_TIMEOUT | typeof SIMULATE_ERROR | undefined {
  if (input.kind !== 'text') return undefined;
  const text = input.text.trim();
  return text === SIMULATE_TIMEOUT || text === SIMULATE_ERROR ? text : undefined;
}

/** Never resolves: rejects once the call is gone, or after sleeping past its deadline. */
export async function simulateFault(
  fault: typeof SIMULATE_TIMEOUT | typeof SIMULATE_ERROR,
  model: string,
  deadline: number,
  signal: AbortSignal,
): Promise<never> {
  if (fault === SIMULATE_ERROR) {
    throw new InferGraphError('INFERENCE_FAILED', `${model} failed on purpose: the input was "${SIMULATE_ERROR}"`);
  }
  const ms = Number.isFinite(deadline) ? Math.max(0, deadline - Date.now()) + PAST_DEADLINE_MS : NO_DEADLINE_SLEEP_MS;
  await sleep(ms, undefined, { signal }).catch(() => undefined);
  throw new InferGraphError('INFERENCE_TIMEOUT', `${model} did not answer in time: the input was "${SIMULATE_TIMEOUT}"`);
}

/** Wraps the versions named in SIMULATE_LOAD_FAILURE so that loading them fails. */
export function withLoadFailures(catalog: readonly ModelDefinition[], failing: ReadonlyMap<string, string[]>): ModelDefinition[] {
  return catalog.map((model) => ({
    ...model,
    versions: model.versions.map((v) =>
      failing.get(model.name)?.includes(v.version)
        ? { ...v, load: () => Promise.reject(new Error('simulated load failure (SIMULATE_LOAD_FAILURE)')) }
        : v,
    ),
  }));
}
