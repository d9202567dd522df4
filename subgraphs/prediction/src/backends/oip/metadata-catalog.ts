/**
 * The model catalog of an OIP backend. OIP has no registry RPCs, so the
 * models, their default versions and canaries come from configuration
 * (DEFAULT_MODEL_VERSIONS, CANARY, parsed as inference-grpc parses them), and
 * each model's versions, input kind and readiness from the server's
 * ModelMetadata and ModelReady, read again every OIP_CATALOG_REFRESH_MS.
 * Each model stands alone: one the server cannot serve as configured (a
 * missing version, inputs that do not match lib/oip/signatures.ts) is left
 * out with one error logged, and the others serve. A model's last good
 * description keeps serving while reading it again fails. OIP gives no load
 * times: a version's loadedAt is when this catalog first found it ready
 * (since it last found it not ready), so a reload the server does between two
 * reads goes unseen.
 */
import { Metadata } from '@grpc/grpc-js';
import type { CallOptions, requestCallback } from '@grpc/grpc-js';

import type { GRPCInferenceServiceClient } from '../../../../../lib/grpc/generated/inference/GRPCInferenceService';
import type {
  ModelMetadataResponse__Output,
  _inference_ModelMetadataResponse_TensorMetadata__Output as TensorMetadata,
} from '../../../../../lib/grpc/generated/inference/ModelMetadataResponse';
import type { ModelReadyResponse__Output } from '../../../../../lib/grpc/generated/inference/ModelReadyResponse';
import { unary } from '../../../../../lib/grpc/unary';
import type { Logger } from '../../../../../lib/logger';
import { describeTensor, signatureOf } from '../../../../../lib/oip/signatures';
import { fromOipVersion, toOipVersion } from '../../../../../lib/oip/versions';
import type { CanarySetting } from '../../../../../lib/traffic-policy';
import type { InputKind, ModelView } from '../../domain';
import type { Catalog } from '../backend';
import { SyncWaiters } from '../../../../../lib/sync-waiters';

export interface MetadataCatalogOptions {
  readonly defaultVersions: ReadonlyMap<string, string>;
  readonly canary: readonly CanarySetting[];
  readonly refreshMs: number;
  readonly deadlineMs: number;
}

const KINDS: readonly InputKind[] = ['TEXT', 'FEATURES'];

/** Which signature the model's inputs match (one tensor: name, datatype, rank); throws saying what the server described. */
function inputKindOf(name: string, inputs: readonly TensorMetadata[]): InputKind {
  const [input, ...more] = inputs;
  const kind = KINDS.find((k) => {
    const spec = signatureOf(k).input;
    return (
      input !== undefined &&
      more.length === 0 &&
      input.name === spec.name &&
      input.datatype === spec.datatype &&
      input.shape.length === spec.shape.length
    );
  });
  if (kind) return kind;
  const described = inputs.map((t) => `${t.name} (${t.datatype}, shape [${t.shape.join(', ')}])`).join(', ') || 'none';
  throw new Error(
    `the OIP server describes the inputs of ${name} as ${described}; expected one input, ${KINDS.map((k) => describeTensor(signatureOf(k).input)).join(' or ')}`,
  );
}

/** What a failure is, for logging each once: a gRPC status (its message varies), or our own message. */
function failureKey(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number') return `gRPC status ${err.code}`;
  return err instanceof Error ? err.message : String(err);
}

export class MetadataCatalog implements Catalog {
  private readonly models = new Map<string, ModelView>();
  private timer: NodeJS.Timeout | undefined;
  private current = false;
  private disposed = false;
  private readonly waiters = new SyncWaiters(() => this.synced, 'the OIP model catalog');
  /** The failure last logged per model: each is logged once, not at every refresh. */
  private readonly failures = new Map<string, string>();
  /** Per "model:version" found ready, when it was first found so (RFC 3339): its loadedAt. */
  private readonly readySince = new Map<string, string>();

  constructor(
    private readonly client: GRPCInferenceServiceClient,
    private readonly options: MetadataCatalogOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = (): void => {
      void this.refresh().finally(() => {
        if (!this.disposed) this.timer = setTimeout(tick, this.options.refreshMs);
      });
    };
    tick();
  }

  get synced(): boolean {
    return this.current;
  }

  get(name: string): ModelView | undefined {
    return this.models.get(name);
  }

  whenSynced(): Promise<void> {
    return this.waiters.wait();
  }

  dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.timer);
    this.waiters.dispose();
    return Promise.resolve();
  }

  private async refresh(): Promise<void> {
    const configured = [...this.options.defaultVersions];
    const results = await Promise.allSettled(configured.map(([name, defaultVersion]) => this.describe(name, defaultVersion)));
    if (this.disposed) return;
    results.forEach((result, i) => {
      const name = configured[i]?.[0] ?? '';
      if (result.status === 'fulfilled') {
        this.models.set(name, result.value);
        if (this.failures.delete(name)) this.logger.info({ model: name }, 'OIP model catalog: model read again');
        return;
      }
      const key = failureKey(result.reason);
      if (this.failures.get(name) === key) return;
      this.failures.set(name, key);
      const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
      const keeping = this.models.has(name) ? 'keeping its last description' : 'the model is not served';
      this.logger.error({ model: name, reason }, `OIP model catalog: cannot read model ${name}; ${keeping}`);
    });
    // One model the server cannot serve does not make the subgraph unready for the others.
    this.current = results.some((r) => r.status === 'fulfilled');
    this.waiters.check();
  }

  private call<T>(start: (options: CallOptions, callback: requestCallback<T>) => unknown): Promise<T> {
    return unary<T>((cb) => start({ deadline: Date.now() + this.options.deadlineMs }, cb));
  }

  private async describe(name: string, defaultVersion: string): Promise<ModelView> {
    const metadata = await this.call<ModelMetadataResponse__Output>((options, cb) =>
      this.client.ModelMetadata({ name }, new Metadata(), options, cb),
    );
    const inputKind = inputKindOf(name, metadata.inputs);
    const canary = this.options.canary.find((c) => c.model === name);
    const configured = [...new Set([defaultVersion, ...(canary ? [canary.version] : [])])];
    // A server that lists no versions (KServe's model servers serve one) is taken at the configuration's word.
    const versions = metadata.versions.length > 0 ? metadata.versions.map(fromOipVersion) : configured;
    for (const [what, version] of [
      ['DEFAULT_MODEL_VERSIONS', defaultVersion],
      ['CANARY', canary?.version],
    ] as const) {
      if (version !== undefined && !versions.includes(version)) {
        throw new Error(
          `${what}: the OIP server has no version ${toOipVersion(version)} (${version}) of ${name}; it has ${metadata.versions.join(', ')}`,
        );
      }
    }
    const ready = await Promise.all(
      versions.map((version) =>
        this.call<ModelReadyResponse__Output>((options, cb) =>
          this.client.ModelReady({ name, version: toOipVersion(version) }, new Metadata(), options, cb),
        ),
      ),
    );
    // OIP says only ready or not: a ready version is shown LOADED, one that is not, FAILED.
    const foundAt = new Date().toISOString();
    const loadedAt = versions.map((version, i) => {
      const key = `${name}:${version}`;
      if (!ready[i]?.ready) {
        this.readySince.delete(key);
        return null;
      }
      const since = this.readySince.get(key) ?? foundAt;
      this.readySince.set(key, since);
      return since;
    });
    return {
      name,
      inputKind,
      defaultVersion,
      canary: canary ? { version: canary.version, percent: canary.percent } : null,
      versions: versions.map((version, i) => ({
        version,
        state: ready[i]?.ready ? 'LOADED' : 'FAILED',
        loadedAt: loadedAt[i] ?? null,
        loadId: loadedAt[i] ?? null,
        default: version === defaultVersion,
        canary: version === canary?.version,
      })),
    };
  }
}
