/**
 * One prediction, from a GraphQL input to an answer: check its shape, choose
 * the version (canary.ts), try the cache, send it through the process-wide
 * batching loaders, fall back to the default version when a canary cannot
 * serve, store the answer and count it.
 */
import { InferGraphError, asInferGraphError } from '../../../lib/errors';
import { checkFeatureCount, checkText } from '../../../lib/limits/input';
import type { InputLimits } from '../../../lib/limits/input';
import type { Logger } from '../../../lib/logger';
import type { Catalog } from './backends/backend';
import type { BatchingLoaders } from './batching';
import type { Cache, CachePolicy, CacheStatus, CachedPrediction } from './cache/cache';
import type { CacheHitRatios } from './cache/hit-ratio';
import { predictionCacheKey } from './cache/key';
import { chooseRoute } from './canary';
import type { Routing } from './canary';
import type { ModelInput, Prediction } from './domain';
import type { PredictionMetrics } from './metrics';

/** The GraphQL `PredictInput`. */
export interface PredictRequest {
  readonly model: string;
  readonly version?: string | null;
  readonly text?: string | null;
  readonly features?: readonly number[] | null;
  readonly routingKey?: string | null;
  readonly cache?: CachePolicy | null;
}

/** A request checked and routed: what the per-operation loader dedupes on. */
export interface PlannedPrediction {
  readonly model: string;
  readonly version: string;
  readonly routing: Routing;
  readonly input: ModelInput;
  readonly cachePolicy: CachePolicy;
  /** Identical plans within one operation run once. */
  readonly dedupeKey: string;
}

export interface PredictionOutcome extends CachedPrediction {
  readonly model: string;
  readonly routing: Routing;
  readonly canary: boolean;
  readonly cache: CacheStatus;
  readonly latencyMs: number;
  readonly batchSize: number;
}

export interface PredictorDeps {
  readonly catalog: Catalog;
  readonly loaders: BatchingLoaders;
  readonly cache: Cache;
  readonly cacheTtlSeconds: number;
  readonly limits: InputLimits;
  readonly metrics: PredictionMetrics;
  readonly hitRatios: CacheHitRatios;
  readonly logger: Logger;
  readonly random?: () => number;
}

function bad(message: string): InferGraphError {
  return new InferGraphError('BAD_USER_INPUT', message);
}

function toCached(p: Prediction, loadId: string): CachedPrediction {
  if (p.sentiment) {
    return {
      loadId,
      modelVersion: p.modelVersion,
      label: p.sentiment.label,
      score: p.sentiment.score,
      confidence: p.sentiment.confidence,
      classId: null,
      probability: null,
    };
  }
  return {
    loadId,
    modelVersion: p.modelVersion,
    label: p.numeric.label,
    score: null,
    confidence: null,
    classId: p.numeric.classId,
    probability: p.numeric.probability,
  };
}

export class Predictor {
  private readonly random: () => number;

  constructor(private readonly deps: PredictorDeps) {
    this.random = deps.random ?? Math.random;
  }

  /** Checks the input's shape and chooses its version; throws BAD_USER_INPUT or MODEL_NOT_FOUND. */
  plan(request: PredictRequest): PlannedPrediction {
    if (request.model.trim() === '') throw bad('model is empty; name a model, e.g. sentiment or numeric');
    const hasText = request.text !== undefined && request.text !== null;
    const hasFeatures = request.features !== undefined && request.features !== null;
    if (hasText && hasFeatures) throw bad('give either text or features, not both');
    if (!hasText && !hasFeatures) throw bad('input needs text (for text models such as sentiment) or features (for numeric models)');
    if (hasText) checkText(request.text ?? '', this.deps.limits);
    else checkFeatureCount(request.features ?? [], this.deps.limits);
    const known = this.deps.catalog.get(request.model);
    const knownVersion = !request.version || known?.versions.some((v) => v.version === request.version);
    // Without a current catalog (inference-grpc unreachable), what it does not know cannot be
    // told apart from what it would refuse: answer at once rather than queue for a server that is away.
    if ((!known || !knownVersion) && !this.deps.catalog.synced) {
      throw new InferGraphError(
        'INFERENCE_UNAVAILABLE',
        `the model catalog is not current (the inference service is unreachable), and it does not know ${request.version ? `${request.model}:${request.version}` : request.model}; retry later`,
      );
    }
    if (!known) {
      throw new InferGraphError('MODEL_NOT_FOUND', `no model named ${JSON.stringify(request.model)}`);
    }
    // An unknown version would otherwise get a loader (and metric series) of its own.
    if (!knownVersion) {
      throw new InferGraphError(
        'MODEL_VERSION_NOT_FOUND',
        `model ${known.name} has no version ${JSON.stringify(request.version)}; versions are ${known.versions.map((v) => v.version).join(', ')}`,
      );
    }
    const route = chooseRoute(known, request, this.random);
    const input: ModelInput = hasText ? { text: request.text ?? '' } : { features: [...(request.features ?? [])] };
    const cachePolicy = request.cache ?? 'USE';
    return {
      model: request.model,
      version: route.version,
      routing: route.routing,
      input,
      cachePolicy,
      dedupeKey: `${route.routing}|${cachePolicy}|${predictionCacheKey(request.model, route.version, input)}`,
    };
  }

  /** Runs a planned prediction; rejects with an InferGraphError. */
  async execute(plan: PlannedPrediction, requestId: string): Promise<PredictionOutcome> {
    const started = performance.now();
    // A canary that cannot serve answers fast (a failed load fails fast until its retry time),
    // and then the default serves: so a canary that loads later gets its traffic back.
    let version = plan.version;
    let routing = plan.routing;
    try {
      const { answer, cache, batchSize } = await this.answer(plan, version, requestId).catch(async (err: unknown) => {
        if (
          routing !== 'CANARY' ||
          !(err instanceof InferGraphError) ||
          !['INFERENCE_UNAVAILABLE', 'MODEL_VERSION_NOT_FOUND'].includes(err.code)
        ) {
          throw err;
        }
        this.deps.logger.warn(
          { model: plan.model, version, reason: err.message },
          'canary cannot serve; falling back to the default version',
        );
        version = this.deps.catalog.get(plan.model)?.defaultVersion ?? '';
        routing = 'FALLBACK';
        return this.answer(plan, version, requestId);
      });
      const outcome: PredictionOutcome = {
        ...answer,
        model: plan.model,
        routing,
        canary: routing === 'CANARY',
        cache,
        latencyMs: performance.now() - started,
        batchSize,
      };
      this.deps.metrics.predicted(plan.model, outcome.modelVersion, routing, cache);
      this.deps.hitRatios.predicted(plan.model, outcome.modelVersion, cache === 'HIT');
      return outcome;
    } catch (err) {
      const error = asInferGraphError(err);
      this.deps.metrics.failed(plan.model, error.code);
      throw error;
    }
  }

  /** Which load of the version serves, as the catalog last heard; null while none does. */
  private loadId(model: string, version: string): string | null {
    return this.deps.catalog.get(model)?.versions.find((v) => v.version === version)?.loadId ?? null;
  }

  private async answer(
    plan: PlannedPrediction,
    version: string,
    requestId: string,
  ): Promise<{ answer: CachedPrediction; cache: CacheStatus; batchSize: number }> {
    // Without a known version there is no version-aware key: serve uncached.
    const cacheable = version !== '' && plan.cachePolicy !== 'BYPASS';
    const key = predictionCacheKey(plan.model, version, plan.input);
    // An entry answers for the load of the version that serves only: for none while it is not loaded (unloaded, or
    // not loaded yet), and not with what an earlier load answered (before a reload, say of a fixed artifact), nor
    // what another inference replica's load answered while it still served a load this one replaced.
    const serving = this.loadId(plan.model, version);
    let cacheWorks = cacheable;
    if (cacheable && plan.cachePolicy === 'USE' && serving !== null) {
      try {
        const found = await this.deps.cache.get(key);
        const hit = found?.loadId === serving ? found : undefined;
        this.deps.metrics.cacheLookups.inc({ result: hit ? 'hit' : 'miss' });
        if (hit) return { answer: hit, cache: 'HIT', batchSize: 0 };
      } catch (err) {
        this.deps.metrics.cacheLookups.inc({ result: 'error' });
        this.deps.logger.warn({ err: String(err) }, 'prediction cache unavailable; serving uncached');
        cacheWorks = false;
      }
    }
    const prediction = await this.deps.loaders.load(plan.model, version, plan.input, requestId);
    // The answer names its load; one that names none is not stored. Over a protocol that never names one (OIP) it
    // came from the load serving when it was asked, or, asked of a version not loaded, from the load it caused, once
    // the catalog has heard of it; while it has not, no later read could tell which load it came from.
    const loadId = prediction.loadId === null ? (serving ?? this.loadId(plan.model, version)) : prediction.loadId || null;
    const answer = toCached(prediction, loadId ?? '');
    if (cacheWorks && loadId !== null) {
      try {
        await this.deps.cache.set(key, answer, this.deps.cacheTtlSeconds);
      } catch (err) {
        this.deps.logger.warn({ err: String(err) }, 'prediction cache unavailable; answer not stored');
        cacheWorks = false;
      }
    }
    return { answer, cache: cacheWorks ? 'MISS' : 'BYPASS', batchSize: prediction.batchSize };
  }
}
