/**
 * Per-version statistics of inference-grpc, as the engine records them: what
 * ModelStatistics answers over the last STATS_WINDOW_SECONDS (one
 * lib/windowed-stats per version), and the totals since the version's
 * statistics began that Triton's ModelStatistics answers on the OIP service.
 * Only versions the registry knows get an entry, so callers cannot grow it.
 */
import { InferGraphError } from '../../lib/errors';
import type { LatencySummary } from '../../lib/windowed-stats';
import { WindowedStats, windowStart } from '../../lib/windowed-stats';
import type { ModelRegistry, VersionInfo } from './registry/model-registry';

type Counter = 'requests' | 'failures' | 'batches' | 'batchItems';
const COUNTERS: readonly Counter[] = ['requests', 'failures', 'batches', 'batchItems'];

/** A cumulative count and the total of its durations. */
export interface DurationTotal {
  readonly count: number;
  readonly ms: number;
}

/** One version over the window. */
export interface WindowFigures {
  /** Inputs answered, failures included. */
  readonly requests: number;
  readonly failures: number;
  /** Of the inputs answered without error; null when there were none. */
  readonly latency: LatencySummary | null;
  readonly batches: number;
  /** Null when no batch ran. */
  readonly meanBatchSize: number | null;
  /** Epoch milliseconds where the window starts. */
  readonly since: number;
}

/** One version since its statistics began: Triton's cumulative figures. */
export interface VersionTotals {
  /** Epoch milliseconds of the last input answered; 0 before the first. */
  readonly lastInference: number;
  readonly success: DurationTotal;
  readonly fail: DurationTotal;
  readonly executions: number;
}

/** Mutable, so recording allocates nothing. */
interface Entry {
  readonly window: WindowedStats<Counter>;
  lastInference: number;
  successCount: number;
  successMs: number;
  failCount: number;
  failMs: number;
  executions: number;
}

export interface StatisticsOptions {
  /** STATS_WINDOW_SECONDS */
  readonly windowSeconds: number;
  /** Whether the registry knows the version. */
  readonly known: (model: string, version: string) => boolean;
  /** Epoch milliseconds; Date.now unless a test moves its own clock. */
  readonly now?: () => number;
}

export class ModelStatistics {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: StatisticsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** One input of the version answered (`ok`) or failed, `latencyMs` after it arrived. */
  answered(model: string, version: string, ok: boolean, latencyMs: number): void {
    const entry = this.entry(model, version);
    if (!entry) return;
    entry.window.add('requests');
    entry.lastInference = this.now();
    if (ok) {
      entry.window.observe(latencyMs);
      entry.successCount += 1;
      entry.successMs += latencyMs;
    } else {
      entry.window.add('failures');
      entry.failCount += 1;
      entry.failMs += latencyMs;
    }
  }

  /** The version ran one batch of `size` inputs. */
  batchRan(model: string, version: string, size: number): void {
    const entry = this.entry(model, version);
    if (!entry) return;
    entry.window.add('batches');
    entry.window.add('batchItems', size);
    entry.executions += 1;
  }

  /** The version over the window, which starts no earlier than `loadedAt` (epoch milliseconds) when given. */
  window(model: string, version: string, loadedAt: number | undefined): WindowFigures {
    // Traffic before the version (re)loaded is left out.
    const snapshot = this.entries.get(key(model, version))?.window.snapshot(loadedAt);
    const since = snapshot?.since ?? windowStart(this.now(), this.options.windowSeconds, loadedAt);
    const counts = snapshot?.counts ?? { requests: 0, failures: 0, batches: 0, batchItems: 0 };
    return {
      requests: counts.requests,
      failures: counts.failures,
      latency: snapshot?.latency ?? null,
      batches: counts.batches,
      meanBatchSize: counts.batches === 0 ? null : counts.batchItems / counts.batches,
      since,
    };
  }

  totals(model: string, version: string): VersionTotals {
    const entry = this.entries.get(key(model, version));
    return {
      lastInference: entry?.lastInference ?? 0,
      success: { count: entry?.successCount ?? 0, ms: entry?.successMs ?? 0 },
      fail: { count: entry?.failCount ?? 0, ms: entry?.failMs ?? 0 },
      executions: entry?.executions ?? 0,
    };
  }

  private entry(model: string, version: string): Entry | undefined {
    const k = key(model, version);
    let entry = this.entries.get(k);
    if (!entry && this.options.known(model, version)) {
      entry = {
        window: new WindowedStats({ windowSeconds: this.options.windowSeconds, counters: COUNTERS, now: this.now }),
        lastInference: 0,
        successCount: 0,
        successMs: 0,
        failCount: 0,
        failMs: 0,
        executions: 0,
      };
      this.entries.set(k, entry);
    }
    return entry;
  }
}

function key(model: string, version: string): string {
  return `${model}:${version}`;
}

/**
 * The versions a statistics request asks for, by model then version: every model's when `model` is empty, every
 * version of it when `version` is; `sameVersion` says whether a version name matches the asked one (OIP spells v1
 * as 1). An unknown model is MODEL_NOT_FOUND, an unknown version MODEL_VERSION_NOT_FOUND.
 */
export function askedVersions(
  registry: Pick<ModelRegistry, 'list' | 'get'>,
  model: string,
  version: string,
  sameVersion: (ours: string, asked: string) => boolean = (ours, asked) => ours === asked,
): { readonly model: string; readonly version: VersionInfo }[] {
  if (model === '' && version !== '') throw new InferGraphError('BAD_USER_INPUT', 'a version needs its model: give model too');
  const models = model === '' ? registry.list() : [registry.get(model)];
  const asked = models.flatMap((m) =>
    m.versions.filter((v) => version === '' || sameVersion(v.version, version)).map((v) => ({ model: m.name, version: v })),
  );
  if (version !== '' && asked.length === 0) {
    throw new InferGraphError('MODEL_VERSION_NOT_FOUND', `model ${model} has no version ${JSON.stringify(version)}`);
  }
  return asked;
}
