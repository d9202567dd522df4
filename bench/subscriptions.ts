/**
 * `npm run bench:subscriptions`: 1000 graphql-ws subscribers of
 * `latencyEvents(model: "numeric")` through the supergraph, each on its own
 * connection; then `predict` mutations one at a time, and for each, the time
 * from sending the mutation to each subscriber receiving its event (matched
 * by prediction id). Prints p50/p99 over every (mutation, subscriber) pair,
 * per mutation the time to its first subscriber and the spread to its last
 * (the fan-out), and the mutation's own answer time. Auth is off, so every
 * subscriber is the same caller with the same operation: the supergraph opens
 * one upstream subscription for all of them and resolves each event once,
 * then writes it to each socket. Writes bench/results/subscriptions.{json,md}.
 *
 *   npm run bench:subscriptions -- [--subscribers 1000] [--events 20] [--latency-ms 1]
 */
import type { Client } from 'graphql-ws';

import { wsClient } from '../stack/graphql-client';
import { parseLoadArgs, postGraphQLData } from './load';
import { machine, writeResults } from './report';
import { withBenchStack } from './stack';

const args = parseLoadArgs({ subscribers: '1000', events: '20', 'latency-ms': '1' });
const SUBSCRIBERS = Number(args.extra.subscribers);
const EVENTS = Number(args.extra.events);
/** Longest to wait for every subscriber to hear one event. */
const EVENT_TIMEOUT_MS = 30_000;
/** Connections opened at once while subscribing. */
const CONNECT_STEP = 100;

const SUBSCRIPTION = 'subscription { latencyEvents(model: "numeric") { predictionId } }';
const PREDICT = 'mutation ($input: PredictInput!) { predict(input: $input) { id } }';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  console.log(`${SUBSCRIBERS} subscribers through the supergraph, ${EVENTS} mutations one at a time, NUMERIC_LATENCY_MS=${args.latencyMs}`);
  const result = await withBenchStack(
    { NUMERIC_LATENCY_MS: String(args.latencyMs), MAX_SUBSCRIPTIONS_PER_CONNECTION: '1' },
    async (stack) => {
      /** Per prediction id, when each subscriber heard it. */
      const heard = new Map<string, number[]>();
      const waiting = new Map<string, () => void>();
      const clients: Client[] = [];
      const failures: string[] = [];
      const subscribe = (client: Client): void => {
        client.subscribe<{ latencyEvents: { predictionId: string } }>(
          { query: SUBSCRIPTION },
          {
            next: (event) => {
              const at = performance.now();
              const id = event.data?.latencyEvents.predictionId;
              if (!id) return;
              const times = heard.get(id) ?? [];
              times.push(at);
              heard.set(id, times);
              if (times.length === SUBSCRIBERS) waiting.get(id)?.();
            },
            error: (err) => failures.push(String(err)),
            complete: () => undefined,
          },
        );
      };
      try {
        for (let i = 0; i < SUBSCRIBERS; i += CONNECT_STEP) {
          const step = Array.from({ length: Math.min(CONNECT_STEP, SUBSCRIBERS - i) }, () => wsClient(stack.gateway));
          await Promise.all(
            step.map(
              (c) =>
                new Promise<void>((resolve) => {
                  const off = c.on('connected', () => {
                    off();
                    resolve();
                  });
                  subscribe(c);
                }),
            ),
          );
          clients.push(...step);
        }
        /** Sends one mutation; resolves with the send time, the answer time and every subscriber's delay. */
        const fire = async (n: number): Promise<{ answerMs: number; delays: number[] }> => {
          const sent = performance.now();
          const data = await postGraphQLData<{ predict: { id: string } }>(stack.gateway, PREDICT, {
            input: { model: 'numeric', features: [n, Date.now()], cache: 'BYPASS' },
          });
          const answerMs = performance.now() - sent;
          const id = data.predict.id;
          if ((heard.get(id)?.length ?? 0) < SUBSCRIBERS) {
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(
                () =>
                  reject(
                    new Error(
                      `${heard.get(id)?.length ?? 0} of ${SUBSCRIBERS} subscribers heard ${id} within ${EVENT_TIMEOUT_MS} ms; errors: ${failures.slice(0, 3).join('; ')}`,
                    ),
                  ),
                EVENT_TIMEOUT_MS,
              );
              waiting.set(id, () => {
                clearTimeout(timer);
                resolve();
              });
            });
          }
          waiting.delete(id);
          return { answerMs, delays: (heard.get(id) ?? []).map((t) => t - sent) };
        };
        // Until one event reaches everyone, not every subscription is live at the subgraph yet.
        for (let warm = 0; ; warm += 1) {
          try {
            await fire(-1 - warm);
            break;
          } catch (err) {
            if (warm >= 3) throw err;
          }
        }
        const answers: number[] = [];
        const delays: number[] = [];
        /** Per mutation, when its first subscriber heard it, and how long the last took after the first. */
        const firsts: number[] = [];
        const spreads: number[] = [];
        for (let n = 0; n < EVENTS; n += 1) {
          const r = await fire(n);
          answers.push(r.answerMs);
          delays.push(...r.delays);
          const first = Math.min(...r.delays);
          firsts.push(first);
          spreads.push(Math.max(...r.delays) - first);
        }
        const sorted = (values: number[]): number[] => values.sort((a, b) => a - b);
        return { answers: sorted(answers), delays: sorted(delays), firsts: sorted(firsts), spreads: sorted(spreads) };
      } finally {
        for (const c of clients) void c.dispose();
      }
    },
  );
  const summary = {
    date: new Date().toISOString(),
    machine: machine(),
    subscribers: SUBSCRIBERS,
    events: EVENTS,
    numericLatencyMs: args.latencyMs,
    deliveries: result.delays.length,
    mutationToEventMs: { p50: percentile(result.delays, 50), p99: percentile(result.delays, 99), max: result.delays.at(-1) ?? Number.NaN },
    mutationAnswerMs: { p50: percentile(result.answers, 50), p99: percentile(result.answers, 99) },
    mutationToFirstEventMs: { p50: percentile(result.firsts, 50), p99: percentile(result.firsts, 99) },
    firstToLastEventMs: { p50: percentile(result.spreads, 50), p99: percentile(result.spreads, 99) },
  };
  writeResults(args.resultsDir, 'subscriptions', summary, [
    `# Subscriptions: ${SUBSCRIBERS} graphql-ws subscribers through the supergraph (${summary.date})`,
    '',
    `${SUBSCRIBERS} graphql-ws connections to the supergraph, each subscribed to \`latencyEvents(model: "numeric")\`; ${EVENTS} \`predict\` mutations (numeric, cache BYPASS, batch cost ${args.latencyMs} ms) sent one at a time, each after every subscriber heard the last; time from sending the mutation to each subscriber receiving its event, over ${summary.deliveries} deliveries; one caller and one operation, so one upstream subscription shared by all; one stack of real processes (\`npm start -- --built\`, events in memory), subscribers in the bench process; ${summary.machine}; \`npm run bench:subscriptions\`.`,
    '',
    '| figure | p50 ms | p99 ms |',
    '|---|---|---|',
    `| mutation sent → subscriber's event | ${summary.mutationToEventMs.p50.toFixed(1)} | ${summary.mutationToEventMs.p99.toFixed(1)} |`,
    `| mutation sent → its first subscriber's event (per mutation) | ${summary.mutationToFirstEventMs.p50.toFixed(1)} | ${summary.mutationToFirstEventMs.p99.toFixed(1)} |`,
    `| first subscriber's event → last one's: the fan-out (per mutation) | ${summary.firstToLastEventMs.p50.toFixed(1)} | ${summary.firstToLastEventMs.p99.toFixed(1)} |`,
    `| mutation sent → its own answer | ${summary.mutationAnswerMs.p50.toFixed(1)} | ${summary.mutationAnswerMs.p99.toFixed(1)} |`,
    '',
    `- every event reached all ${SUBSCRIBERS} subscribers; the slowest delivery took ${summary.mutationToEventMs.max.toFixed(1)} ms`,
  ]);
}

void main();
