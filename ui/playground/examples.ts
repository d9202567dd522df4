/**
 * The tabs the playground opens with: the operations of clients/operations
 * (the typed client's, so codegen checks them against the schema) with
 * variables for each model.
 */
import latencyEvents from '../../clients/operations/LatencyEvents.graphql?raw';
import models from '../../clients/operations/Models.graphql?raw';
import predict from '../../clients/operations/Predict.graphql?raw';
import predictBatch from '../../clients/operations/PredictBatch.graphql?raw';

export interface ExampleTab {
  readonly query: string;
  readonly variables?: string;
}

const json = (value: unknown): string => JSON.stringify(value, null, 2);

export const EXAMPLE_TABS: readonly ExampleTab[] = [
  { query: models },
  { query: predict, variables: json({ input: { model: 'sentiment', text: 'What a lovely day', routingKey: 'user-42' } }) },
  { query: predict, variables: json({ input: { model: 'numeric', features: [0.5, 1.5, 2.5] } }) },
  {
    query: predictBatch,
    variables: json({
      inputs: [
        { model: 'sentiment', text: 'Great service' },
        { model: 'sentiment', text: 'Terrible wait', version: 'v2' },
        { model: 'numeric', features: [1, 2, 3] },
        { model: 'no-such-model', text: 'fails alone' },
      ],
    }),
  },
  // Run it, then a predict in another tab: each prediction shows up here.
  { query: latencyEvents, variables: json({ model: null }) },
];

/** The header editor's starting text: where the API key goes when the supergraph has auth on. */
export const DEFAULT_HEADERS = json({ 'x-api-key': '' });
