/**
 * Fault hooks for tests and drills, each a wrapper around the part it breaks,
 * so the engine and the models never see them (server.ts adds them):
 * - FAULT_HOOKS: withFaultHooks wraps each version's queue, what the engine
 *   submits one input to. The text `simulate-timeout` sleeps past the
 *   caller's deadline (cut short when the call goes away) and
 *   `simulate-error` fails that input alone like a broken model. Neither
 *   enters a model batch, so a hung input holds no other input hostage.
 *   Off, both texts are ordinary input.
 * - SIMULATE_LOAD_FAILURE: withLoadFailures makes named versions fail to load.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { InferGraphError } from '../../lib/errors';
import type { VersionQueue } from './engine/engine';
import type { ModelDefinition, ModelInput } from './models/types';

const SIMULATE_TIMEOUT = 'simulate-timeout';
const SIMULATE_ERROR = 'simulate-error';
/** How far past the deadline a simulated timeout sleeps, and how long when there is no deadline. */
const PAST_DEADLINE_MS = 1000;
const NO_DEADLINE_SLEEP_MS = 60_000;

function faultOf(input: ModelInput): typeof SIMULATE_TIMEOUT | typeof SIMULATE_ERROR | undefined {
  if (input.kind !== 'text') return undefined;
  const text = input.text.trim();
  return text === SIMULATE_TIMEOUT || text === SIMULATE_ERROR ? text : undefined;
}

/** Never resolves: rejects at once for simulate-error; for simulate-timeout once the call is gone, or after sleeping past its deadline. */
async function simulateFault(
  fault: typeof SIMULATE_TIMEOUT | typeof SIMULATE_ERROR,
  name: string,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<never> {
  if (fault === SIMULATE_ERROR) {
    throw new InferGraphError('INFERENCE_FAILED', `${name} failed on purpose: the input was "${SIMULATE_ERROR}"`);
  }
  const ms = Number.isFinite(deadline) ? Math.max(0, deadline - Date.now()) + PAST_DEADLINE_MS : NO_DEADLINE_SLEEP_MS;
  await sleep(ms, undefined, { signal }).catch(() => undefined);
  throw new InferGraphError('INFERENCE_TIMEOUT', `${name} did not answer in time: the input was "${SIMULATE_TIMEOUT}"`);
}

/** The version's queue, with simulate-timeout and simulate-error acting before an input is queued. */
export function withFaultHooks(queue: VersionQueue, name: string): VersionQueue {
  return {
    submit: (input, options) => {
      const fault = faultOf(input);
      return fault ? simulateFault(fault, name, options.deadline, options.signal) : queue.submit(input, options);
    },
  };
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
