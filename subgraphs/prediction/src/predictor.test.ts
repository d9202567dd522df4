/**
 * The prediction cache goes by which load of a version answered: behind several inference replicas, one still serving
 * the load another replaced (its reload under way, or failed) answers with its own load's id, and what it answered is
 * never served as the current load's. Real loaders and cache; the model server is a function answering as a replica.
 */
import { Registry } from 'prom-client';

import { createLogger } from '../../../lib/logger';
import type { Catalog, SendBatch } from './backends/backend';
import { BatchingLoaders } from './batching';
import { CacheHitRatios } from './cache/hit-ratio';
import { MemoryCache } from './cache/memory';
import type { ModelView } from './domain';
import { PredictionMetrics } from './metrics';
import { Predictor } from './predictor';

/** The subgraph's catalog, which names the load it last heard serves numeric:v1 (null: not loaded). */
function catalogServing(): { catalog: Catalog; serve: (loadId: string | null) => void } {
  let view: ModelView;
  const serve = (loadId: string | null): void => {
    view = {
      name: 'numeric',
      inputKind: 'FEATURES',
      defaultVersion: 'v1',
      canary: null,
      versions: [{ version: 'v1', state: loadId ? 'LOADED' : 'UNLOADED', loadedAt: null, loadId, default: true, canary: false }],
    };
  };
  serve(null);
  const catalog: Catalog = {
    synced: true,
    get: (name) => (name === 'numeric' ? view : undefined),
    whenSynced: () => Promise.resolve(),
    dispose: () => Promise.resolve(),
  };
  return { catalog, serve };
}

describe('Predictor: the cache and the load that answered', () => {
  const request = { model: 'numeric', features: [1, 2] };
  let answering: string | null = null;
  let sent = 0;
  /** Answers as the replica the call reached, whose load is `answering` (null: a server that does not say, as OIP). */
  const replica: SendBatch = (target, inputs) =>
    inputs.map(() => {
      sent += 1;
      return Promise.resolve({
        modelVersion: target.version,
        batchSize: inputs.length,
        loadId: answering,
        numeric: { classId: 1, probability: 0.9, label: 'high' },
      });
    });
  const { catalog, serve } = catalogServing();
  const metrics = new PredictionMetrics(new Registry(), 8, catalog);
  const predictor = new Predictor({
    catalog,
    loaders: new BatchingLoaders(replica, { maxBatchSize: 8, maxDelayMs: 0, maxQueue: 100 }, metrics),
    cache: new MemoryCache({ maxEntries: 100 }),
    cacheTtlSeconds: 60,
    limits: { maxTextLength: 100, maxFeatures: 10 },
    metrics,
    hitRatios: new CacheHitRatios(catalog, 60),
    logger: createLogger('predictor-test', 'silent'),
  });
  const cacheOf = async (): Promise<string> => (await predictor.execute(predictor.plan(request), 'r')).cache;

  beforeEach(() => {
    sent = 0;
  });

  it('never serves what a replica still on the load before answered as the load the catalog names', async () => {
    serve('1:aaaa');
    answering = '0:aaaa'; // the replica the call reached has not finished its reload
    expect([await cacheOf(), await cacheOf()]).toEqual(['MISS', 'MISS']);
    answering = '1:aaaa';
    expect([await cacheOf(), await cacheOf()]).toEqual(['MISS', 'HIT']);
    expect(sent).toBe(3);
    // The catalog hears of a reload: what the load before answered is not served again.
    serve('2:aaaa');
    expect(await cacheOf()).toBe('MISS');
  });

  it('stores no answer that names no load (an inference-grpc from before load ids), whatever the catalog names', async () => {
    serve('4:aaaa');
    answering = '';
    expect([await cacheOf(), await cacheOf()]).toEqual(['MISS', 'MISS']);
    expect(sent).toBe(2);
  });

  it('serves nothing from the cache while the version is not loaded', async () => {
    serve(null);
    answering = '3:aaaa';
    expect([await cacheOf(), await cacheOf()]).toEqual(['MISS', 'MISS']);
    expect(sent).toBe(2);
    serve('3:aaaa'); // the load the first call caused, once the catalog hears of it
    expect(await cacheOf()).toBe('HIT');
  });

  it('counts an answer that names no load (OIP) from the load the catalog named when it was asked', async () => {
    serve('ready-since-1');
    answering = null;
    expect([await cacheOf(), await cacheOf()]).toEqual(['MISS', 'HIT']);
    serve('ready-since-2');
    expect([await cacheOf(), await cacheOf()]).toEqual(['MISS', 'HIT']);
    expect(sent).toBe(2);
  });
});
