/** A policy change in the models subgraph's words (domain.ts) as inference-grpc's SetTrafficPolicy request; models are mapped by lib/grpc/registry-wire.ts. */
import type { SetTrafficPolicyRequest } from '../../../../lib/grpc/generated/infergraph/inference/v1/SetTrafficPolicyRequest';
import type { TrafficPolicyChange } from '../domain';

export function toWirePolicyChange(change: TrafficPolicyChange): SetTrafficPolicyRequest {
  const canary = change.canary === 'clear' ? { clearCanary: true } : change.canary ? { canary: change.canary } : {};
  return { model: change.model, defaultVersion: change.defaultVersion, ...canary };
}
