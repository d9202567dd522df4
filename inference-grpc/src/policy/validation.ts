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
}

/** The policy `change` asks for on top of `current`; promoting the canary to default ends the canary. */
export function nextPolicy(current: TrafficPolicy, change: PolicyChange): TrafficPolicy {
  const defaultVersion = change.defaultVersion ?? current.defaultVersion;
  let canary = change.canary === undefined ? current.canary : (change.canary ?? undefined);
  if (change.canary === undefined && canary?.version === defaultVersion) canary = undefined;
  return { defaultVersion, canary };
}

/** Why `policy` cannot hold for `model`, whose versions are `versions`; undefined when it can. */
export function policyProblem(model: string, versions: readonly string[], policy: TrafficPolicy): InferGraphError | undefined {
  const listed = versions.join(', ');
  if (!versions.includes(policy.defaultVersion)) {
    return new InferGraphError(
      'MODEL_VERSION_NOT_FOUND',
      `model ${model} has no version ${JSON.stringify(policy.defaultVersion)}; versions are ${listed}`,
    );
  }
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
  return undefined;
}
