/**
 * The model catalog of an OIP backend. OIP has no registry RPCs, so the
 * models, their default versions and canaries come from configuration
 * (DEFAULT_MODEL_VERSIONS, CANARY, parsed as inference-grpc parses them), and
 * each model's versions, input kind and readiness from the server's
 * ModelMetadata and ModelReady, read again every OIP_CATALOG_REFRESH_MS.
 * The last good answer keeps serving while a refresh fails.
 */
import { Metadata } from '@grpc/grpc-js';
import type { CallOptions, requestCallback } from '@grpc/grpc-js';

import type { GRPCInferenceServiceClient } from '../../../../lib/grpc/generated/inference/GRPCInferenceService';
import type { ModelMetadataResponse__Output } from '../../../../lib/grpc/generated/inference/ModelMetadataResponse';
import type { ModelReadyResponse__Output } from '../../../../lib/grpc/generated/inference/ModelReadyResponse';
import type { ModelInfo__Output } from '../../../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import { unary } from '../../../../lib/grpc/unary';
import type { Logger } from '../../../../lib/logger';
import { TEXT_SIGNATURE } from '../../../../lib/oip/signatures';
import { fromOipVersion, toOipVersion } from '../../../../lib/oip/versions';
import type { CanarySetting } from '../../../../lib/traffic-policy';
import type { Catalog } from '../backend';
import { SyncWaiters } from '../sync-waiters';

export interface OipCatalogOptions {
  readonly defaultVersions: ReadonlyMap<string, string>;
  readonly canary: readonly CanarySetting[];
  readonly refreshMs: number;
  readonly deadlineMs: number;
}

export class OipCatalog implements Catalog {
  private readonly models = new Map<string, ModelInfo__Output>();
  private timer: NodeJS.Timeout | undefined;
  private current = false;
  private disposed = false;
  private readonly waiters = new SyncWaiters(() => this.synced, 'the OIP model catalog');

  constructor(
    private readonly client: GRPCInferenceServiceClient,
    private readonly options: OipCatalogOptions,
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

  get(name: string): ModelInfo__Output | undefined {
    return this.models.get(name);
  }

  whenSynced(): Promise<void> {
    return this.waiters.wait();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.waiters.dispose();
  }

  private async refresh(): Promise<void> {
    try {
      const fresh = await Promise.all([...this.options.defaultVersions].map(([name, defaultVersion]) => this.describe(name, defaultVersion)));
      if (this.disposed) return;
      for (const model of fresh) this.models.set(model.name, model);
      this.current = true;
      this.waiters.check();
    } catch (err) {
      if (this.disposed) return;
      if (this.current || this.models.size === 0) this.logger.warn({ reason: err instanceof Error ? err.message : String(err) }, 'OIP model catalog refresh failed; keeping the last one');
      this.current = false;
    }
  }

  private call<T>(start: (options: CallOptions, callback: requestCallback<T>) => unknown): Promise<T> {
    return unary<T>((cb) => start({ deadline: Date.now() + this.options.deadlineMs }, cb));
  }

  private async describe(name: string, defaultVersion: string): Promise<ModelInfo__Output> {
    const metadata = await this.call<ModelMetadataResponse__Output>((options, cb) => this.client.ModelMetadata({ name }, new Metadata(), options, cb));
    const canary = this.options.canary.find((c) => c.model === name);
    const configured = [...new Set([defaultVersion, ...(canary ? [canary.version] : [])])];
    // A server that lists no versions (KServe's model servers serve one) is taken at the configuration's word.
    const versions = metadata.versions.length > 0 ? metadata.versions.map(fromOipVersion) : configured;
    for (const [what, version] of [['DEFAULT_MODEL_VERSIONS', defaultVersion], ['CANARY', canary?.version]] as const) {
      if (version !== undefined && !versions.includes(version)) {
        throw new Error(`${what}: the OIP server has no version ${toOipVersion(version)} (${version}) of ${name}; it has ${metadata.versions.join(', ')}`);
      }
    }
    const ready = await Promise.all(
      versions.map((version) =>
        this.call<ModelReadyResponse__Output>((options, cb) => this.client.ModelReady({ name, version: toOipVersion(version) }, new Metadata(), options, cb)),
      ),
    );
    const input = metadata.inputs[0];
    // OIP says only ready or not: a ready version is shown LOADED, one that is not, FAILED.
    return {
      name,
      description: metadata.properties.description ?? '',
      inputKind: input?.datatype === TEXT_SIGNATURE.input.datatype ? 'TEXT' : 'FEATURES',
      defaultVersion,
      canary: canary ? { version: canary.version, percent: canary.percent } : null,
      versions: versions.map((version, i) => ({
        version,
        description: '',
        state: ready[i]?.ready ? 'LOADED' : 'FAILED',
        loaded: ready[i]?.ready ?? false,
        loadedAt: '',
        loadError: ready[i]?.ready ? '' : 'the OIP server says the version is not ready (ModelReady)',
        default: version === defaultVersion,
        canary: version === canary?.version,
      })),
    };
  }
}
