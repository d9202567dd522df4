/** Resolvers of schema/models.graphql. */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';

import { InferGraphError } from '../../../lib/errors';
import { toGraphQLError } from '../../../lib/graphql/errors';
import type { ModelChange } from './changes';
import type { Model, VersionRef } from './domain';
import type { RegistryClient } from './grpc/registry-client';

export interface ModelsContext {
  readonly requestId: string;
  /** Reads answer from its copy of the registry, in memory. */
  readonly registry: RegistryClient;
}

interface TrafficPolicyInput {
  readonly model: string;
  readonly defaultVersion?: string | null;
  readonly canary?: { readonly version: string; readonly percent: number } | null;
  readonly clearCanary?: boolean | null;
}

async function graphqlErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toGraphQLError(err);
  }
}

export function createResolvers(): GraphQLResolverMap<ModelsContext> {
  return {
    Query: {
      models: (_: unknown, __: unknown, ctx: ModelsContext) => graphqlErrors(() => ctx.registry.list()),
      model: (_: unknown, args: { name: string }, ctx: ModelsContext) =>
        graphqlErrors(async () => (await ctx.registry.get(args.name)) ?? null),
    },
    Mutation: {
      setTrafficPolicy: (_: unknown, args: { input: TrafficPolicyInput }, ctx: ModelsContext) =>
        graphqlErrors(() => {
          const { model, defaultVersion, canary, clearCanary } = args.input;
          if (canary && clearCanary) throw new InferGraphError('BAD_USER_INPUT', 'give either canary or clearCanary, not both');
          if (!defaultVersion && !canary && !clearCanary) {
            throw new InferGraphError('BAD_USER_INPUT', 'nothing to change: give defaultVersion, canary or clearCanary');
          }
          if (canary && (!Number.isInteger(canary.percent) || canary.percent < 1 || canary.percent > 100)) {
            throw new InferGraphError('BAD_USER_INPUT', `canary.percent must be from 1 to 100, got ${canary.percent}`);
          }
          return ctx.registry.setTrafficPolicy(
            { model, defaultVersion: defaultVersion ?? '', canary: canary ?? (clearCanary ? 'clear' : null) },
            ctx.requestId,
          );
        }),
      loadModelVersion: (_: unknown, args: VersionRef, ctx: ModelsContext) =>
        graphqlErrors(() => ctx.registry.loadVersion({ model: args.model, version: args.version }, ctx.requestId)),
      unloadModelVersion: (_: unknown, args: VersionRef, ctx: ModelsContext) =>
        graphqlErrors(() => ctx.registry.unloadVersion({ model: args.model, version: args.version }, ctx.requestId)),
    },
    Subscription: {
      modelChanged: {
        subscribe: (_: unknown, __: unknown, ctx: ModelsContext) => graphqlErrors(() => ctx.registry.changes()),
        // The error that ends the feed is the subscription's last event.
        resolve: (change: ModelChange): Model => {
          if (change instanceof InferGraphError) throw toGraphQLError(change);
          return change;
        },
      },
    },
    Model: {
      __resolveReference: (ref: { name: string }, ctx: ModelsContext) =>
        graphqlErrors(async () => (await ctx.registry.get(ref.name)) ?? null),
      // A version names its model: the key of the ModelVersion entity.
      versions: (model: Model) => model.versions.map((v) => ({ ...v, model: model.name })),
    },
    ModelVersion: {
      __resolveReference: (ref: { model: string; version: string }, ctx: ModelsContext) =>
        graphqlErrors(async () => {
          const version = (await ctx.registry.get(ref.model))?.versions.find((v) => v.version === ref.version);
          return version ? { ...version, model: ref.model } : null;
        }),
    },
  };
}
