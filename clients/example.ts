/**
 * `npm run example:client`: a typed client against a running stack (`npm start`).
 * Lists the models, runs a prediction, then prints a few latency events from
 * the subscription while it sends predictions that cause them. Every result
 * is typed by the documents generated from clients/operations.
 *
 *   npm run example:client                                   http://localhost:4000/graphql
 *   npm run example:client -- http://other-host:4000/graphql
 *   GRAPHQL_URL=... API_KEY=... npm run example:client
 */
import WebSocket from 'ws';

import { loadExampleConfig } from './config';
import { LatencyEventsDocument, ModelsDocument, PredictDocument } from './generated/graphql';
import type { LatencyEventsSubscription, PredictInput } from './generated/graphql';
import { createTypedClient } from './transport';
import type { TypedClient } from './transport';

const EVENTS_TO_PRINT = 3;
/** How long to wait for those events before giving up. */
const EVENTS_TIMEOUT_MS = 15_000;
/** Predictions are sent this often until the events arrive (the first may precede the subscription). */
const POKE_INTERVAL_MS = 300;

const POKE_INPUTS: readonly PredictInput[] = [
  { model: 'sentiment', text: 'the service answered quickly', cache: 'BYPASS' },
  { model: 'numeric', features: [0.5, 1.5, 2.5], cache: 'BYPASS' },
];

async function printModels(client: TypedClient): Promise<void> {
  const { models } = await client.request(ModelsDocument, {});
  console.log('models:');
  for (const model of models) {
    const canary = model.canary ? `${model.canary.version} at ${model.canary.percent}%` : 'none';
    const versions = model.versions.map((v) => `${v.version}${v.loaded ? ' (loaded)' : ''}`).join(', ');
    console.log(
      `  ${model.name.padEnd(10)} ${model.inputKind.padEnd(8)} default ${model.defaultVersion}  canary ${canary}  versions ${versions}`,
    );
  }
}

async function printPrediction(client: TypedClient): Promise<void> {
  const text = 'What a lovely day';
  const { predict } = await client.request(PredictDocument, { input: { model: 'sentiment', text } });
  const score = predict.score === null || predict.score === undefined ? '' : ` score ${predict.score.toFixed(3)}`;
  console.log(`\npredict ${predict.model.name} ${JSON.stringify(text)}: ${predict.label}${score}`);
  console.log(
    `  version ${predict.modelVersion}, routing ${predict.routing}, cache ${predict.cache}, ${predict.latencyMs.toFixed(1)} ms, batch of ${predict.batchSize}`,
  );
}

function describeEvent({ latencyEvents: e }: LatencyEventsSubscription): string {
  return `  ${e.timestamp}  ${e.model.name} ${e.modelVersion}  routing ${e.routing}  cache ${e.cache}  ${e.latencyMs.toFixed(1)} ms  batch ${e.batchSize}`;
}

async function printLatencyEvents(client: TypedClient): Promise<void> {
  console.log(`\nlatency events (subscription, first ${EVENTS_TO_PRINT}):`);
  const events = client.subscribe(LatencyEventsDocument, {});
  let sent = 0;
  let failure: Error | undefined;
  const poke = setInterval(() => {
    const input = POKE_INPUTS[sent % POKE_INPUTS.length] ?? { model: 'sentiment', text: 'hello' };
    sent += 1;
    client.request(PredictDocument, { input }).catch((err: unknown) => {
      failure = err instanceof Error ? err : new Error(String(err));
      void events.return?.();
    });
  }, POKE_INTERVAL_MS);
  const timeout = setTimeout(() => void events.return?.(), EVENTS_TIMEOUT_MS);
  let printed = 0;
  try {
    for await (const event of events) {
      console.log(describeEvent(event));
      printed += 1;
      if (printed >= EVENTS_TO_PRINT) break;
    }
  } finally {
    clearInterval(poke);
    clearTimeout(timeout);
  }
  if (failure !== undefined) throw failure;
  if (printed < EVENTS_TO_PRINT)
    throw new Error(`only ${printed} of ${EVENTS_TO_PRINT} latency events arrived within ${EVENTS_TIMEOUT_MS} ms`);
}

async function main(): Promise<void> {
  const config = loadExampleConfig();
  console.log(`InferGraph at ${config.httpUrl} (subscriptions ${config.wsUrl})\n`);
  const client = createTypedClient({ ...config, webSocketImpl: WebSocket });
  try {
    await printModels(client);
    await printPrediction(client);
    await printLatencyEvents(client);
  } finally {
    await client.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(`example client failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
