/**
 * Closed-loop load for the benchmarks: `concurrency` callers each send their
 * next call as soon as the last one answers. Answers are counted in a window
 * that starts after a warm-up; when the window closes the callers stop and
 * calls still outstanding are abandoned through the signal.
 */
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { PROJECT_ROOT } from '../lib/paths';

const DEFAULT_RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');

export interface LoadArgs {
  readonly concurrency: number;
  readonly windowMs: number;
  readonly warmupMs: number;
  /** NUMERIC_LATENCY_MS of the inference-grpc under test. */
  readonly latencyMs: number;
  /** Where results/<name>.{json,md} go (bench/results unless --results-dir). */
  readonly resultsDir: string;
  /** The bench's own options, as given. */
  readonly extra: Record<string, string>;
}

/** The command-line options every load bench takes, plus its own (`--name value`, with defaults). */
export function parseLoadArgs(extra: Record<string, string> = {}): LoadArgs {
  const options = Object.fromEntries(
    Object.entries({
      concurrency: '256',
      seconds: '10',
      'warmup-seconds': '1',
      'latency-ms': '500',
      'results-dir': DEFAULT_RESULTS_DIR,
      ...extra,
    }).map(([name, def]) => [name, { type: 'string' as const, default: def }]),
  );
  const { values } = parseArgs({ options });
  const value = (name: string): string => String(values[name]);
  return {
    concurrency: Number(value('concurrency')),
    windowMs: Number(value('seconds')) * 1000,
    warmupMs: Number(value('warmup-seconds')) * 1000,
    latencyMs: Number(value('latency-ms')),
    resultsDir: value('results-dir'),
    extra: Object.fromEntries(Object.keys(extra).map((name) => [name, value(name)])),
  };
}

export interface LoadOptions {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly windowMs: number;
  /** One call; `signal` aborts when the window is over. */
  call(worker: number, iteration: number, signal: AbortSignal): Promise<void>;
  /** Called as the window opens and as it closes, e.g. to read server counters. */
  mark?(at: 'start' | 'end'): Promise<void>;
}

export interface LoadResult {
  readonly answered: number;
  readonly errors: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function closedLoop(options: LoadOptions): Promise<LoadResult> {
  const controller = new AbortController();
  // Each worker links its one call in flight to this signal.
  setMaxListeners(options.concurrency + 1, controller.signal);
  const latencies: number[] = [];
  let errors = 0;
  const windowStart = performance.now() + options.warmupMs;
  const windowEnd = windowStart + options.windowMs;
  const inWindow = (t: number): boolean => t > windowStart && t <= windowEnd;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; performance.now() < windowEnd; i += 1) {
      const t = performance.now();
      // One signal per call, linked to the run's: listeners never pile up on a shared signal.
      const call = new AbortController();
      const abort = (): void => call.abort();
      controller.signal.addEventListener('abort', abort, { once: true });
      try {
        await options.call(w, i, call.signal);
        const done = performance.now();
        if (inWindow(done)) latencies.push(done - t);
      } catch {
        if (controller.signal.aborted) return;
        if (inWindow(performance.now())) errors += 1;
      } finally {
        controller.signal.removeEventListener('abort', abort);
      }
    }
  };
  const workers = Array.from({ length: options.concurrency }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, options.warmupMs));
  await options.mark?.('start');
  await new Promise((r) => setTimeout(r, Math.max(0, windowEnd - performance.now())));
  await options.mark?.('end');
  controller.abort();
  await Promise.all(workers);
  latencies.sort((a, b) => a - b);
  const seconds = options.windowMs / 1000;
  return {
    answered: latencies.length,
    errors,
    seconds,
    throughput: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** The mean of runs of the same load (errors summed), to even out drift on a shared machine. */
export function meanResult(runs: readonly LoadResult[]): LoadResult {
  const avg = (f: (r: LoadResult) => number): number => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  return {
    answered: avg((r) => r.answered),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    seconds: avg((r) => r.seconds),
    throughput: avg((r) => r.throughput),
    p50Ms: avg((r) => r.p50Ms),
    p99Ms: avg((r) => r.p99Ms),
  };
}

/** POSTs one GraphQL operation; rejects on an HTTP failure or a GraphQL error, so it counts as an error. */
export async function postGraphQL(url: string, query: string, variables: Record<string, unknown>, signal: AbortSignal): Promise<void> {
  await postGraphQLData(url, query, variables, signal);
}

/** POSTs one GraphQL operation and answers its data; rejects on an HTTP failure or a GraphQL error. */
export async function postGraphQLData<D>(url: string, query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<D> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  const body = (await res.json()) as { data?: D; errors?: { message: string }[] };
  if (body.errors || !body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${res.status} without data`);
  return body.data;
}
