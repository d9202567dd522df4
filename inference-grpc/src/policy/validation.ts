/**
 * When a traffic policy can hold for a model, and what a change asks for on
 * top of the policy a replica serves. A change that cannot hold is refused
 * with these errors; a stored policy from another replica that cannot hold
 * here is logged and skipped (policy/replication.ts).
 */
import { InferGraphError } from '../../../lib/errors';
import type { TrafficPolicy } from './store';

export interface PolicyChange {
  readonly model: string;
  /** Undefined keeps the current default. */
  readonly defaultVersion?: string;
  /** Undefined keeps the current canary; null removes it. */
  readonly canary?: { readonly version: string; readonly percent: number } | null;
  /** A version to unload on every replica (RepositoryModelUnload). */
  readonly unload?: string;
  /** A version loaded (RepositoryModelLoad): no longer unloaded, and loaded again on every replica. */
  readonly load?: string;
}

/** The policy `change` asks for on top of `current`; promoting the canary to default ends the canary. */
export function nextPolicy(current: TrafficPolicy, change: PolicyChange): TrafficPolicy {
  const defaultVersion = change.defaultVersion ?? current.defaultVersion;
  let canary = change.canary === undefined ? current.canary : (change.canary ?? undefined);
  if (change.canary === undefined && canary?.version === defaultVersion) canary = undefined;
  const unloaded = (current.unloaded ?? []).filter((v) => v !== change.load && v !== change.unload);
  if (change.unload !== undefined) unloaded.push(change.unload);
  // No prototype: a version may be named like one of Object's own properties (`constructor`).
  const loads: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, current.loads);
  if (change.load !== undefined) loads[change.load] = loadCount(current, change.load) + 1;
  return { defaultVersion, canary, unloaded, loads };
}

/** How many times `policy` counts `version` loaded on request; read as an own property, whatever the version is named. */
export function loadCount(policy: TrafficPolicy, version: string): number {
  const { loads } = policy;
  return loads !== undefined && Object.hasOwn(loads, version) ? (loads[version] ?? 0) : 0;
}

/** MODEL_VERSION_IN_USE for a policy that unloads the version serving as `role`: refused to unload it, or to give it the role. */
function inUse(model: string, version: string, role: string, change: PolicyChange | undefined): InferGraphError {
  return new InferGraphError(
    'MODEL_VERSION_IN_USE',
    change?.unload === version
      ? `${model}:${version} is the ${role} and cannot be unloaded; make another version the ${role} first`
      : `${model}:${version} is unloaded and cannot be the ${role}; load it first (loadModelVersion)`,
  );
}

/**
 * Why `policy` cannot hold for `model`, whose versions are `versions`; undefined when it can. `change`, when the
 * policy comes from one, words the refusal. Unloaded versions this replica lacks are no problem: another replica
 * may have a version folder this one has not scanned.
 */
export function policyProblem(
  model: string,
  versions: readonly string[],
  policy: TrafficPolicy,
  change?: PolicyChange,
): InferGraphError | undefined {
  const listed = versions.join(', ');
  if (!versions.includes(policy.defaultVersion)) {
    return new InferGraphError(
      'MODEL_VERSION_NOT_FOUND',
      `model ${model} has no version ${JSON.stringify(policy.defaultVersion)}; versions are ${listed}`,
    );
  }
  const unloaded = policy.unloaded ?? [];
  if (unloaded.includes(policy.defaultVersion)) return inUse(model, policy.defaultVersion, 'default version', change);
  const { canary } = policy;
  if (!canary) return undefined;
  if (!versions.includes(canary.version)) {
    return new InferGraphError(
      'MODEL_VERSION_NOT_FOUND',
      `model ${model} has no version ${JSON.stringify(canary.version)} for a canary; versions are ${listed}`,
    );
  }
  if (!Number.isInteger(canary.percent) || canary.percent < 1 || canary.percent > 100) {
    return new InferGraphError('BAD_USER_INPUT', `canary percent must be an integer from 1 to 100, got ${canary.percent}`);
  }
  if (canary.version === policy.defaultVersion) {
    return new InferGraphError(
      'BAD_USER_INPUT',
      `canary version ${canary.version} is the default version; choose another version or clear the canary`,
    );
  }
  if (unloaded.includes(canary.version)) return inUse(model, canary.version, 'canary', change);
  return undefined;
}
