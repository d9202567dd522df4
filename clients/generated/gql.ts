/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation CanManageVersions {\n  unloadModelVersion(model: \"\", version: \"\") @skip(if: true) {\n    name\n  }\n}": typeof types.CanManageVersionsDocument,
    "subscription LatencyEvents($model: String) {\n  latencyEvents(model: $model) {\n    predictionId\n    model {\n      name\n    }\n    modelVersion\n    routing\n    cache\n    latencyMs\n    batchSize\n    timestamp\n  }\n}": typeof types.LatencyEventsDocument,
    "mutation LoadModelVersion($model: String!, $version: String!) {\n  loadModelVersion(model: $model, version: $version) {\n    name\n  }\n}": typeof types.LoadModelVersionDocument,
    "subscription ModelChanged {\n  modelChanged {\n    name\n  }\n}": typeof types.ModelChangedDocument,
    "query Models {\n  models {\n    name\n    description\n    inputKind\n    defaultVersion\n    canary {\n      version\n      percent\n    }\n    versions {\n      version\n      state\n      loaded\n      loadedAt\n      default\n      canary\n    }\n  }\n}": typeof types.ModelsDocument,
    "mutation Predict($input: PredictInput!) {\n  predict(input: $input) {\n    id\n    model {\n      name\n    }\n    modelVersion\n    routing\n    canary\n    cache\n    latencyMs\n    batchSize\n    label\n    score\n    confidence\n    classId\n    probability\n  }\n}": typeof types.PredictDocument,
    "mutation PredictBatch($inputs: [PredictInput!]!) {\n  predictBatch(inputs: $inputs) {\n    __typename\n    ... on Prediction {\n      id\n      modelVersion\n      routing\n      cache\n      label\n      score\n      classId\n      probability\n    }\n    ... on PredictionError {\n      index\n      code\n      message\n    }\n  }\n}": typeof types.PredictBatchDocument,
    "mutation SetTrafficPolicy($input: TrafficPolicyInput!) {\n  setTrafficPolicy(input: $input) {\n    name\n    defaultVersion\n    canary {\n      version\n      percent\n    }\n  }\n}": typeof types.SetTrafficPolicyDocument,
    "mutation UnloadModelVersion($model: String!, $version: String!) {\n  unloadModelVersion(model: $model, version: $version) {\n    name\n  }\n}": typeof types.UnloadModelVersionDocument,
    "query VersionStats {\n  models {\n    name\n    canary {\n      version\n      percent\n    }\n    versions {\n      version\n      state\n      unloaded\n      loadError\n      default\n      canary\n      stats {\n        requests\n        failures\n        latencyP50Ms\n        latencyP99Ms\n        meanBatchSize\n        cacheHitRatio\n        since\n      }\n    }\n  }\n}": typeof types.VersionStatsDocument,
};
const documents: Documents = {
    "mutation CanManageVersions {\n  unloadModelVersion(model: \"\", version: \"\") @skip(if: true) {\n    name\n  }\n}": types.CanManageVersionsDocument,
    "subscription LatencyEvents($model: String) {\n  latencyEvents(model: $model) {\n    predictionId\n    model {\n      name\n    }\n    modelVersion\n    routing\n    cache\n    latencyMs\n    batchSize\n    timestamp\n  }\n}": types.LatencyEventsDocument,
    "mutation LoadModelVersion($model: String!, $version: String!) {\n  loadModelVersion(model: $model, version: $version) {\n    name\n  }\n}": types.LoadModelVersionDocument,
    "subscription ModelChanged {\n  modelChanged {\n    name\n  }\n}": types.ModelChangedDocument,
    "query Models {\n  models {\n    name\n    description\n    inputKind\n    defaultVersion\n    canary {\n      version\n      percent\n    }\n    versions {\n      version\n      state\n      loaded\n      loadedAt\n      default\n      canary\n    }\n  }\n}": types.ModelsDocument,
    "mutation Predict($input: PredictInput!) {\n  predict(input: $input) {\n    id\n    model {\n      name\n    }\n    modelVersion\n    routing\n    canary\n    cache\n    latencyMs\n    batchSize\n    label\n    score\n    confidence\n    classId\n    probability\n  }\n}": types.PredictDocument,
    "mutation PredictBatch($inputs: [PredictInput!]!) {\n  predictBatch(inputs: $inputs) {\n    __typename\n    ... on Prediction {\n      id\n      modelVersion\n      routing\n      cache\n      label\n      score\n      classId\n      probability\n    }\n    ... on PredictionError {\n      index\n      code\n      message\n    }\n  }\n}": types.PredictBatchDocument,
    "mutation SetTrafficPolicy($input: TrafficPolicyInput!) {\n  setTrafficPolicy(input: $input) {\n    name\n    defaultVersion\n    canary {\n      version\n      percent\n    }\n  }\n}": types.SetTrafficPolicyDocument,
    "mutation UnloadModelVersion($model: String!, $version: String!) {\n  unloadModelVersion(model: $model, version: $version) {\n    name\n  }\n}": types.UnloadModelVersionDocument,
    "query VersionStats {\n  models {\n    name\n    canary {\n      version\n      percent\n    }\n    versions {\n      version\n      state\n      unloaded\n      loadError\n      default\n      canary\n      stats {\n        requests\n        failures\n        latencyP50Ms\n        latencyP99Ms\n        meanBatchSize\n        cacheHitRatio\n        since\n      }\n    }\n  }\n}": types.VersionStatsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CanManageVersions {\n  unloadModelVersion(model: \"\", version: \"\") @skip(if: true) {\n    name\n  }\n}"): (typeof documents)["mutation CanManageVersions {\n  unloadModelVersion(model: \"\", version: \"\") @skip(if: true) {\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription LatencyEvents($model: String) {\n  latencyEvents(model: $model) {\n    predictionId\n    model {\n      name\n    }\n    modelVersion\n    routing\n    cache\n    latencyMs\n    batchSize\n    timestamp\n  }\n}"): (typeof documents)["subscription LatencyEvents($model: String) {\n  latencyEvents(model: $model) {\n    predictionId\n    model {\n      name\n    }\n    modelVersion\n    routing\n    cache\n    latencyMs\n    batchSize\n    timestamp\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation LoadModelVersion($model: String!, $version: String!) {\n  loadModelVersion(model: $model, version: $version) {\n    name\n  }\n}"): (typeof documents)["mutation LoadModelVersion($model: String!, $version: String!) {\n  loadModelVersion(model: $model, version: $version) {\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ModelChanged {\n  modelChanged {\n    name\n  }\n}"): (typeof documents)["subscription ModelChanged {\n  modelChanged {\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Models {\n  models {\n    name\n    description\n    inputKind\n    defaultVersion\n    canary {\n      version\n      percent\n    }\n    versions {\n      version\n      state\n      loaded\n      loadedAt\n      default\n      canary\n    }\n  }\n}"): (typeof documents)["query Models {\n  models {\n    name\n    description\n    inputKind\n    defaultVersion\n    canary {\n      version\n      percent\n    }\n    versions {\n      version\n      state\n      loaded\n      loadedAt\n      default\n      canary\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Predict($input: PredictInput!) {\n  predict(input: $input) {\n    id\n    model {\n      name\n    }\n    modelVersion\n    routing\n    canary\n    cache\n    latencyMs\n    batchSize\n    label\n    score\n    confidence\n    classId\n    probability\n  }\n}"): (typeof documents)["mutation Predict($input: PredictInput!) {\n  predict(input: $input) {\n    id\n    model {\n      name\n    }\n    modelVersion\n    routing\n    canary\n    cache\n    latencyMs\n    batchSize\n    label\n    score\n    confidence\n    classId\n    probability\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PredictBatch($inputs: [PredictInput!]!) {\n  predictBatch(inputs: $inputs) {\n    __typename\n    ... on Prediction {\n      id\n      modelVersion\n      routing\n      cache\n      label\n      score\n      classId\n      probability\n    }\n    ... on PredictionError {\n      index\n      code\n      message\n    }\n  }\n}"): (typeof documents)["mutation PredictBatch($inputs: [PredictInput!]!) {\n  predictBatch(inputs: $inputs) {\n    __typename\n    ... on Prediction {\n      id\n      modelVersion\n      routing\n      cache\n      label\n      score\n      classId\n      probability\n    }\n    ... on PredictionError {\n      index\n      code\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetTrafficPolicy($input: TrafficPolicyInput!) {\n  setTrafficPolicy(input: $input) {\n    name\n    defaultVersion\n    canary {\n      version\n      percent\n    }\n  }\n}"): (typeof documents)["mutation SetTrafficPolicy($input: TrafficPolicyInput!) {\n  setTrafficPolicy(input: $input) {\n    name\n    defaultVersion\n    canary {\n      version\n      percent\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UnloadModelVersion($model: String!, $version: String!) {\n  unloadModelVersion(model: $model, version: $version) {\n    name\n  }\n}"): (typeof documents)["mutation UnloadModelVersion($model: String!, $version: String!) {\n  unloadModelVersion(model: $model, version: $version) {\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query VersionStats {\n  models {\n    name\n    canary {\n      version\n      percent\n    }\n    versions {\n      version\n      state\n      unloaded\n      loadError\n      default\n      canary\n      stats {\n        requests\n        failures\n        latencyP50Ms\n        latencyP99Ms\n        meanBatchSize\n        cacheHitRatio\n        since\n      }\n    }\n  }\n}"): (typeof documents)["query VersionStats {\n  models {\n    name\n    canary {\n      version\n      percent\n    }\n    versions {\n      version\n      state\n      unloaded\n      loadError\n      default\n      canary\n      stats {\n        requests\n        failures\n        latencyP50Ms\n        latencyP99Ms\n        meanBatchSize\n        cacheHitRatio\n        since\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;