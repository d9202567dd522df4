/**
 * The operations bench:peer sends to every gateway: three asked again and
 * again with the same variables (what a cache or in-flight sharing may
 * serve), and the same three with a fresh value per call, so that no answer
 * and no subgraph fetch that carries the fresh value can be shared or cached.
 */
import { HIT_INPUT, PREDICT } from '../predict';

export interface PeerOperation {
  readonly name: string;
  /** What the results table says about it. */
  readonly note: string;
  readonly query: string;
  /** The variables of the next call. */
  variables(): Record<string, unknown>;
}

const MODEL_FIELDS = 'name defaultVersion description canary { version percent } versions { version loaded }';
const MODELS = `{ models { ${MODEL_FIELDS} } }`;
const PREDICT_WITH_MODEL =
  'mutation ($input: PredictInput!) { predict(input: $input) { modelVersion cache batchSize classId model { defaultVersion } } }';

/** Calls so far with a fresh value: the value, never the same twice in a process. */
let calls = 0;

/** A numeric input no call had before, with the prediction cache bypassed. */
const freshPredict = (): Record<string, unknown> => {
  calls += 1;
  return { input: { model: 'numeric', features: [calls, calls % 7, -calls / 3], cache: 'BYPASS' } };
};

export const PEER_OPERATIONS: readonly PeerOperation[] = [
  {
    name: 'models',
    note: "the issue's `models` query, the same each call (1 fetch to the models subgraph)",
    query: MODELS,
    variables: () => ({}),
  },
  {
    name: 'predict, cache hit',
    note: 'numeric `predict`, the same input each call, answered from the prediction cache (1 fetch)',
    query: PREDICT,
    variables: () => ({ input: HIT_INPUT }),
  },
  {
    name: 'predict + model { defaultVersion }, cache hit',
    note: "as above, plus the model's `defaultVersion` (a second fetch, `_entities` to the models subgraph)",
    query: PREDICT_WITH_MODEL,
    variables: () => ({ input: HIT_INPUT }),
  },
  {
    name: 'models, fresh',
    note: 'the `models` query plus `model(name: $name)` with a `$name` no model has, new each call: both root fields go to the models subgraph in one fetch whose variables differ every call, so neither gateway can share it in flight nor a cache answer it (the schema has no argument on `models`; a fresh alias would instead change the document and measure parsing and planning)',
    query: `query ($name: String!) { models { ${MODEL_FIELDS} } model(name: $name) { name } }`,
    variables: () => {
      calls += 1;
      return { name: `no-such-model-${calls}` };
    },
  },
  {
    name: 'predict, fresh',
    note: 'numeric `predict` with new features each call and `cache: BYPASS`: the prediction subgraph runs the model (batched) every call',
    query: PREDICT,
    variables: freshPredict,
  },
  {
    name: 'predict + model { defaultVersion }, fresh',
    note: "as above, plus the model's `defaultVersion`: the `predict` fetch is fresh; the `_entities` fetch carries only the model's key (`numeric`), the same for every call, so both gateways may share it in flight (ours with SUBGRAPH_DEDUPLICATION, Hive with its subgraph-request deduplication), as no field of `Model` takes an argument that could make it differ",
    query: PREDICT_WITH_MODEL,
    variables: freshPredict,
  },
];
