/**
 * The feed of `modelChanged`: every model the registry copy applies a change to
 * (lib/grpc/registry-watch.ts onChange), pushed to each subscriber. When the copy
 * stops counting as current (CATALOG_MAX_STALENESS_MS), each subscription gets
 * that INFERENCE_UNAVAILABLE as its last event and ends: a subscriber cannot
 * tell a quiet registry from a copy that no longer hears of changes otherwise.
 */
import type { InferGraphError } from '../../../lib/errors';
import { PushIterator, SUBSCRIBER_BUFFER } from '../../../lib/graphql/push-iterator';
import type { Model } from './domain';

/** A changed model, or the error that ends the subscription. */
export type ModelChange = Model | InferGraphError;

export class ModelChanges {
  private readonly subscribers = new Set<PushIterator<ModelChange>>();

  /** A subscription to the changes from now on. */
  subscribe(): AsyncIterableIterator<ModelChange> {
    const iterator: PushIterator<ModelChange> = new PushIterator<ModelChange>(SUBSCRIBER_BUFFER, () => this.subscribers.delete(iterator));
    this.subscribers.add(iterator);
    return iterator;
  }

  publish(models: readonly Model[]): void {
    for (const subscriber of this.subscribers) for (const model of models) subscriber.push(model);
  }

  /** Ends every subscription with `error` as its last event. */
  end(error: InferGraphError): void {
    const ended = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of ended) {
      subscriber.push(error);
      subscriber.end();
    }
  }
}
