/**
 * `npm run bench:sentiment`: what one sentence costs each sentiment version,
 * in process (no network): every version is loaded, then each sentence of the
 * 3000 labelled amazon / imdb / yelp sentences is run alone (one `run` call,
 * as a batch of one), timed per call. Passes go round the versions in turn
 * until the window is over, so the versions share the machine's state.
 * Prints p50 / p99 / mean microseconds per version. The goal for the learned
 * v3 is p99 < 100 microseconds. Writes bench/results/sentiment.{json,md}.
 *
 *   npm run bench:sentiment -- [--seconds 10] [--warmup-seconds 1]
 */
import { DEFAULT_MODEL_REPOSITORY, loadSentences, repositoryModel } from '../inference-grpc/src/index';
import { parseLoadArgs } from './load';
import { machine, writeResults } from './report';

const P99_GOAL_US = 100;

interface Timing {
  readonly sentences: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const args = parseLoadArgs();
  const inputs = loadSentences().map((s) => ({ kind: 'text' as const, text: s.text }));
  const sentimentModel = repositoryModel(DEFAULT_MODEL_REPOSITORY, 'sentiment', { batchLatencyMs: 0, itemLatencyUs: 0 });
  const versions = await Promise.all(sentimentModel.versions.map(async (v) => ({ version: v.version, model: await v.load() })));
  const samples = new Map<string, number[]>(versions.map((v) => [v.version, []]));

  const pass = async (record: boolean): Promise<void> => {
    for (const { version, model } of versions) {
      const out = samples.get(version) ?? [];
      for (const input of inputs) {
        const started = process.hrtime.bigint();
        await model.run([input]);
        if (record) out.push(Number(process.hrtime.bigint() - started) / 1000);
      }
    }
  };
  const warmupEnd = performance.now() + args.warmupMs;
  do await pass(false);
  while (performance.now() < warmupEnd);
  const windowEnd = performance.now() + args.windowMs;
  let passes = 0;
  do {
    await pass(true);
    passes += 1;
  } while (performance.now() < windowEnd);

  const timings: Record<string, Timing> = {};
  for (const [version, values] of samples) {
    const sorted = Float64Array.from(values).sort();
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    timings[version] = { sentences: values.length, p50Us: percentile(sorted, 0.5), p99Us: percentile(sorted, 0.99), meanUs: mean };
  }
  const v3 = timings.v3;
  const summary = {
    date: new Date().toISOString(),
    machine: machine(),
    passes,
    sentencesPerPass: inputs.length,
    timings,
    goal: { v3P99UnderUs: P99_GOAL_US, met: v3 !== undefined && v3.p99Us < P99_GOAL_US },
  };
  writeResults(args.resultsDir, 'sentiment', summary, [
    `Sentiment per sentence, in process, one sentence per run call (\`npm run bench:sentiment\`); ${passes} passes over ${inputs.length} sentences; ${machine()}.`,
    '',
    '| version | sentences timed | p50 µs | p99 µs | mean µs |',
    '|---|---|---|---|---|',
    ...Object.entries(timings).map(
      ([version, t]) =>
        `| sentiment:${version} | ${t.sentences} | ${t.p50Us.toFixed(1)} | ${t.p99Us.toFixed(1)} | ${t.meanUs.toFixed(1)} |`,
    ),
    '',
    `Goal: v3 p99 < ${P99_GOAL_US} µs: ${summary.goal.met ? 'met' : 'not met'}.`,
  ]);
}

void main();
