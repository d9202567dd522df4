import { Writable } from 'node:stream';

import pino from 'pino';

import { createOipClient } from '../../../../../lib/grpc/oip-client';
import { createLogger } from '../../../../../lib/logger';
import { startInference } from '../../../../../test/helpers/inference';
import { until } from '../../../../../lib/until';
import { loadPredictionConfig } from '../../config';
import { catalogContract } from '../catalog-contract';
import { MetadataCatalog } from './metadata-catalog';
import { startStandIn } from './stand-in-server';
import type { StandIn } from './stand-in-server';

const silent = createLogger('prediction-subgraph', 'silent');

catalogContract('MetadataCatalog', {
  name: 'the OIP model catalog',
  reading: async ({ canary }) => {
    const inference = await startInference();
    const config = loadPredictionConfig({
      ...inference.clientEnv,
      INFERENCE_PROTOCOL: 'oip',
      // Readiness is read again this often: the contract watches versions load and unload.
      OIP_CATALOG_REFRESH_MS: '100',
      ...(canary ? { CANARY: canary } : {}),
    });
    const client = createOipClient(inference.address, {}, inference.security);
    const catalog = new MetadataCatalog(
      client,
      {
        defaultVersions: config.defaultVersions,
        canary: config.canary,
        refreshMs: config.oipCatalogRefreshMs,
        deadlineMs: config.inferenceDeadlineMs,
      },
      silent,
    );
    catalog.start();
    return {
      catalog,
      versions: inference.server.registry,
      close: async () => {
        await catalog.dispose();
        client.close();
        await inference.close();
      },
    };
  },
  unreachable: () => {
    // Nothing listens on port 1.
    const client = createOipClient('127.0.0.1:1');
    const catalog = new MetadataCatalog(
      client,
      { defaultVersions: new Map([['sentiment', 'v1']]), canary: [], refreshMs: 100, deadlineMs: 500 },
      silent,
    );
    catalog.start();
    return {
      catalog,
      close: async () => {
        await catalog.dispose();
        client.close();
      },
    };
  },
});

describe('MetadataCatalog in front of another OIP server', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStandIn();
  });
  afterAll(() => standIn.close());

  it('serves the models it can read when the server cannot serve others as configured, logging one error per model', async () => {
    const logs: { level: number; model?: string; reason?: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n'))
          if (line) logs.push(JSON.parse(line) as { level: number; model?: string; reason?: string });
        done();
      },
    });
    const client = createOipClient(standIn.address);
    const catalog = new MetadataCatalog(
      client,
      {
        defaultVersions: new Map([
          ['sentiment', 'v1'],
          ['numeric', 'v1'],
          ['ranked', 'v1'],
        ]),
        canary: [{ model: 'numeric', version: 'v9', percent: 10 }],
        refreshMs: 100,
        deadlineMs: 1000,
      },
      pino({ level: 'info' }, sink),
    );
    catalog.start();
    try {
      // Bounded, so that a catalog that never syncs fails this test instead of hanging the run.
      const giveUp = setTimeout(() => void catalog.dispose(), 3000);
      await catalog.whenSynced().finally(() => clearTimeout(giveUp));
      expect(catalog.get('sentiment')).toMatchObject({ inputKind: 'TEXT', defaultVersion: 'v1' });
      expect(catalog.get('numeric')).toBeUndefined();
      expect(catalog.get('ranked')).toBeUndefined();
      // Three refreshes more, each of which could have logged the errors again: refreshes run one after
      // another, so once a fourth has asked, three have finished.
      const asked = (): number => standIn.metadataAsked.get('ranked') ?? 0;
      const before = asked();
      await until(() => asked() >= before + 4, 'three more catalog refreshes', 5000);
      expect(catalog.synced).toBe(true);
      const errors = logs.filter((l) => l.level === 50).map((l) => [l.model, l.reason]);
      expect(errors).toEqual(
        expect.arrayContaining([
          ['numeric', 'CANARY: the OIP server has no version 9 (v9) of numeric; it has 1, 2'],
          [
            'ranked',
            'the OIP server describes the inputs of ranked as text (BYTES, shape [-1, 1]); expected one input, text (BYTES, shape [batch]) or features (FP32, shape [batch, n])',
          ],
        ]),
      );
      expect(errors).toHaveLength(2);
    } finally {
      await catalog.dispose();
      client.close();
    }
  });
});
