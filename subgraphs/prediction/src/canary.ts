/**
 * Which version serves an input: the one it names (EXPLICIT); else the canary
 * for its share of traffic (CANARY), sticky by a hash of the routing key when
 * one is given and random otherwise; else the default version (DEFAULT).
 */
import type { ModelView } from './domain';

export type Routing = 'DEFAULT' | 'EXPLICIT' | 'CANARY' | 'FALLBACK';

export interface Route {
  /** Empty when the registry is not known yet: inference-grpc then uses its default. */
  readonly version: string;
  readonly routing: Routing;
}

/** FNV-1a (32 bit) of the key, mod 100: the same key always lands in the same bucket. */
export function bucketOf(routingKey: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(routingKey, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 100;
}

export function chooseRoute(
  model: ModelView | undefined,
  request: { readonly version?: string | null; readonly routingKey?: string | null },
  random: () => number,
): Route {
  if (request.version) return { version: request.version, routing: 'EXPLICIT' };
  if (!model) return { version: '', routing: 'DEFAULT' };
  const canary = model.canary;
  if (canary && canary.percent > 0) {
    const bucket = request.routingKey ? bucketOf(request.routingKey) : Math.floor(random() * 100);
    if (bucket < canary.percent) return { version: canary.version, routing: 'CANARY' };
  }
  return { version: model.defaultVersion, routing: 'DEFAULT' };
}
