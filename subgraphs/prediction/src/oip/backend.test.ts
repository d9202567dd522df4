/**
 * The OIP backend against a stand-in for another OIP server, over a real gRPC
 * channel: it answers as Triton does (typed contents, outputs of shape
 * [batch, 1], no `label` for numeric models) and refuses a whole request for
 * one bad input, as OIP servers must. Two more text models: `broken` fails
 * every input, `limited` refuses batches of more than 8 (as Triton does past
 * a model's max_batch_size). `kserve` lists no versions and answers a bare
 * NOT_FOUND for its version 2. The text `hang` holds its call unanswered.
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { Writable } from 'node:stream';
import pino from 'pino';

import { InferGraphError } from '../../../../lib/errors';
import type { GRPCInferenceServiceHandlers } from '../../../../lib/grpc/generated/inference/GRPCInferenceService';
import type { ModelInferRequest__Output } from '../../../../lib/grpc/generated/inference/ModelInferRequest';
import type { PredictInput } from '../../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import { createOipClient, loadOipProto } from '../../../../lib/grpc/oip-client';
import { createLogger } from '../../../../lib/logger';
import { readBytes, readNumbers } from '../../../../lib/oip/tensors';
import { graphql } from '../../../../stack/graphql-client';
import type { InferenceBackend } from '../backend';
import { loadPredictionConfig } from '../config';
import { startPredictionSubgraph } from '../server';
import { createOipBackend } from './backend';
import { OipCatalog } from './catalog';
import { until } from '../../../../lib/until';

interface StandIn {
  readonly address: string;
  readonly calls: ModelInferRequest__Output[];
  /** ModelMetadata requests per model: a catalog refresh asks once for each. */
  readonly metadataAsked: Map<string, number>;
  close(): void;
}

const INPUTS: Record<string, { name: string; datatype: string; shape: number[] }> = {
  sentiment: { name: 'text', datatype: 'BYTES', shape: [-1] },
  numeric: { name: 'features', datatype: 'FP32', shape: [-1, -1] },
  broken: { name: 'text', datatype: 'BYTES', shape: [-1] },
  limited: { name: 'text', datatype: 'BYTES', shape: [-1] },
  kserve: { name: 'text', datatype: 'BYTES', shape: [-1] },
  // Text of rank 2 (as Triton describes it with max_batch_size > 0): not the contract's [batch].
  ranked: { name: 'text', datatype: 'BYTES', shape: [-1, 1] },
};
const LIMITED_MAX_BATCH = 8;

async function startStandIn(): Promise<StandIn> {
  const calls: ModelInferRequest__Output[] = [];
  const metadataAsked = new Map<string, number>();
  const notFound = { code: status.NOT_FOUND, details: 'unknown model' };
  const handlers: GRPCInferenceServiceHandlers = {
    ServerLive: (_call, cb) => cb(null, { live: true }),
    ServerReady: (_call, cb) => cb(null, { ready: true }),
    ServerMetadata: (_call, cb) => cb(null, { name: 'stand-in', version: '1', extensions: [] }),
    ModelMetadata: (call, cb) => {
      metadataAsked.set(call.request.name, (metadataAsked.get(call.request.name) ?? 0) + 1);
      const input = INPUTS[call.request.name];
      if (!input) return cb(notFound);
      cb(null, { name: call.request.name, versions: call.request.name === 'kserve' ? [] : ['1', '2'], platform: 'stand-in', inputs: [input], outputs: [] });
    },
    // Version 2 of sentiment is not ready.
    ModelReady: (call, cb) => cb(null, { ready: !(call.request.name === 'sentiment' && call.request.version === '2') }),
    ModelInfer: (call, cb) => {
      const req = call.request;
      calls.push(req);
      if (!INPUTS[req.modelName]) return cb(notFound);
      const tensor = req.inputs[0];
      if (!tensor) return cb({ code: status.INVALID_ARGUMENT, details: 'no input' });
      const batch = Number(tensor.shape[0]);
      const shape = [batch, 1];
      const common = { modelName: req.modelName, modelVersion: req.modelVersion || '1', id: req.id };
      if (req.modelName === 'kserve' && req.modelVersion === '2') return cb({ code: status.NOT_FOUND, details: 'no such version' });
      if (req.modelName === 'broken') return cb({ code: status.INTERNAL, details: 'the model crashed' });
      if (req.modelName === 'limited' && batch > LIMITED_MAX_BATCH) {
        return cb({ code: status.INVALID_ARGUMENT, details: `inference request batch-size must be <= ${LIMITED_MAX_BATCH} for 'limited'` });
      }
      if (INPUTS[req.modelName]?.datatype === 'BYTES') {
        const texts = readBytes('text', batch, tensor.contents, req.rawInputContents[0]).map(String);
        // Never answered: the call lasts until the caller's deadline.
        if (texts.includes('hang')) return;
        if (texts.includes('bad')) return cb({ code: status.INVALID_ARGUMENT, details: `input text, element ${texts.indexOf('bad')} is bad` });
        return cb(null, {
          ...common,
          outputs: [
            { name: 'label', datatype: 'BYTES', shape, contents: { bytesContents: texts.map(() => Buffer.from('POSITIVE')) } },
            { name: 'score', datatype: 'FP32', shape, contents: { fp32Contents: texts.map(() => 0.5) } },
            { name: 'confidence', datatype: 'FP32', shape, contents: { fp32Contents: texts.map(() => 0.75) } },
          ],
        });
      }
      const width = Number(tensor.shape[1]);
      const values = readNumbers('features', 'FP32', batch * width, tensor.contents, req.rawInputContents[0]);
      const rows = Array.from({ length: batch }, (_, r) => values.slice(r * width, (r + 1) * width));
      cb(null, {
        ...common,
        outputs: [
          { name: 'class_id', datatype: 'INT64', shape, contents: { int64Contents: rows.map((row) => String(row.length)) } },
          { name: 'probability', datatype: 'FP32', shape, contents: { fp32Contents: rows.map(() => 0.25) } },
        ],
      });
    },
  };
  const server = new Server();
  server.addService(loadOipProto().inference.GRPCInferenceService.service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  return { address: `127.0.0.1:${port}`, calls, metadataAsked, close: () => server.forceShutdown() };
}

async function outcomes(answers: Promise<unknown>[]): Promise<unknown[]> {
  return Promise.all(answers.map((a) => a.catch((err: unknown) => (err instanceof InferGraphError ? { code: err.code, message: err.message } : err))));
}

const text = (t: string): PredictInput => ({ text: t });
const features = (values: number[]): PredictInput => ({ features: { values } });

describe('OIP backend in front of another OIP server', () => {
  let standIn: StandIn;
  let backend: InferenceBackend;
  beforeAll(async () => {
    standIn = await startStandIn();
    const config = loadPredictionConfig({ INFERENCE_PROTOCOL: 'oip', INFERENCE_URL: standIn.address, CANARY: 'sentiment:v2:10' });
    backend = createOipBackend(config, createLogger('prediction-subgraph', 'silent'));
    await backend.catalog.whenSynced();
  });
  beforeEach(() => {
    standIn.calls.length = 0;
  });
  afterAll(() => {
    backend.close();
    standIn.close();
  });

  it('builds its catalog from configuration, ModelMetadata and ModelReady', () => {
    expect(backend.catalog.get('sentiment')).toMatchObject({
      inputKind: 'TEXT',
      defaultVersion: 'v1',
      canary: { version: 'v2', percent: 10 },
      versions: [
        { version: 'v1', state: 'LOADED', default: true, canary: false },
        { version: 'v2', state: 'FAILED', default: false, canary: true },
      ],
    });
    expect(backend.catalog.get('numeric')).toMatchObject({ inputKind: 'FEATURES', defaultVersion: 'v1', canary: null });
  });

  it('sends one raw ModelInfer per batch, naming the OIP version, and reads typed outputs of shape [batch, 1]', async () => {
    const answers = await Promise.all(backend.predictBatch({ model: 'sentiment', version: 'v1' }, [text('one'), text('two')], ['req-1']));
    const answer = expect.objectContaining({ modelVersion: 'v1', batchSize: 2, sentiment: { label: 'POSITIVE', score: 0.5, confidence: 0.75 } });
    expect(answers).toEqual([answer, answer]);
    expect(standIn.calls).toHaveLength(1);
    expect(standIn.calls[0]).toMatchObject({ modelName: 'sentiment', modelVersion: '1', inputs: [{ name: 'text', datatype: 'BYTES', shape: ['2'] }] });
    expect(standIn.calls[0]?.rawInputContents).toHaveLength(1);
  });

  const batchSizes = (): number[] => standIn.calls.map((c) => Number(c.inputs[0]?.shape[0])).sort((a, b) => b - a);
  const positive = (batchSize: number): unknown => expect.objectContaining({ sentiment: expect.objectContaining({ label: 'POSITIVE' }), batchSize });
  const times = (n: number, value: unknown): unknown[] => Array.from({ length: n }, () => value);

  it('answers a batch the server refused for one input by sending it again in halves', async () => {
    const answers = await outcomes(backend.predictBatch({ model: 'sentiment', version: 'v1' }, [text('fine'), text('bad'), text('also fine')], ['req-2']));
    expect(answers).toEqual([positive(1), { code: 'BAD_USER_INPUT', message: 'input text, element 0 is bad' }, positive(1)]);
    expect(batchSizes()).toEqual([3, 2, 1, 1, 1]);
  });

  it('finds one bad input among 32 in 2·log2(32) more calls, the others answering', async () => {
    const inputs = Array.from({ length: 32 }, (_, i) => text(i === 21 ? 'bad' : `fine ${i}`));
    const answers = await outcomes(backend.predictBatch({ model: 'sentiment', version: 'v1' }, inputs, ['req-5']));
    expect(answers.filter((a) => JSON.stringify(a).includes('BAD_USER_INPUT'))).toEqual([{ code: 'BAD_USER_INPUT', message: 'input text, element 0 is bad' }]);
    expect(answers[21]).toEqual({ code: 'BAD_USER_INPUT', message: 'input text, element 0 is bad' });
    expect(answers.filter((_, i) => i !== 21)).toEqual(times(31, expect.objectContaining({ sentiment: expect.objectContaining({ label: 'POSITIVE' }) })));
    expect(standIn.calls).toHaveLength(1 + 2 * 5);
  });

  it('stops halving after 2·log2(n) more calls when the model fails every input, failing them all with its error', async () => {
    const answers = await outcomes(backend.predictBatch({ model: 'broken', version: 'v1' }, Array.from({ length: 32 }, (_, i) => text(`input ${i}`)), ['req-6']));
    expect(answers).toEqual(times(32, { code: 'INFERENCE_FAILED', message: 'the model crashed' }));
    expect(standIn.calls).toHaveLength(1 + 2 * 5);
  });

  it('answers every input when the server refuses batches larger than its own, in a few more calls', async () => {
    const answers = await outcomes(backend.predictBatch({ model: 'limited', version: 'v1' }, Array.from({ length: 32 }, (_, i) => text(`input ${i}`)), ['req-7']));
    expect(answers).toEqual(times(32, positive(8)));
    expect(batchSizes()).toEqual([32, 16, 16, 8, 8, 8, 8]);
  });

  it('refuses an input of the wrong kind alone, sends each feature width in its own call, and uses the class id as label', async () => {
    const answers = await outcomes(
      backend.predictBatch({ model: 'numeric', version: 'v1' }, [features([1, 2]), text('words'), features([3, 4, 5]), features([6, 7])], ['req-3']),
    );
    expect(answers).toEqual([
      expect.objectContaining({ numeric: { classId: 2, probability: 0.25, label: '2' }, batchSize: 2 }),
      { code: 'BAD_USER_INPUT', message: 'model numeric takes features, not text' },
      expect.objectContaining({ numeric: { classId: 3, probability: 0.25, label: '3' }, batchSize: 1 }),
      expect.objectContaining({ numeric: { classId: 2, probability: 0.25, label: '2' }, batchSize: 2 }),
    ]);
    expect(standIn.calls.map((c) => c.inputs[0]?.shape)).toEqual([
      ['2', '2'],
      ['1', '3'],
    ]);
  });

  it('sends batches in chunks of OIP_MAX_BATCH_SIZE', async () => {
    const config = loadPredictionConfig({ INFERENCE_PROTOCOL: 'oip', INFERENCE_URL: standIn.address, OIP_MAX_BATCH_SIZE: String(LIMITED_MAX_BATCH) });
    const chunked = createOipBackend(config, createLogger('prediction-subgraph', 'silent'));
    try {
      const answers = await outcomes(chunked.predictBatch({ model: 'limited', version: 'v1' }, Array.from({ length: 20 }, (_, i) => text(`input ${i}`)), ['req-8']));
      expect(answers).toEqual([...times(16, positive(8)), ...times(4, positive(4))]);
      expect(batchSizes()).toEqual([8, 8, 4]);
    } finally {
      chunked.close();
    }
  });

  it('without OIP_BATCH_TIMEOUT_MS, lets an input that hangs time out its whole call at the deadline', async () => {
    const config = loadPredictionConfig({ INFERENCE_PROTOCOL: 'oip', INFERENCE_URL: standIn.address, INFERENCE_DEADLINE_MS: '300' });
    const plain = createOipBackend(config, createLogger('prediction-subgraph', 'silent'));
    try {
      const timedOut = { code: 'INFERENCE_TIMEOUT', message: 'sentiment:v1 did not answer within 300 ms (INFERENCE_DEADLINE_MS)' };
      expect(await outcomes(plain.predictBatch({ model: 'sentiment', version: 'v1' }, [text('hang'), text('fine')], ['req-9']))).toEqual([timedOut, timedOut]);
      expect(batchSizes()).toEqual([2]);
    } finally {
      plain.close();
    }
  });

  it('with OIP_BATCH_TIMEOUT_MS, gives up a call an input holds and halves it, so that input times out alone', async () => {
    const config = loadPredictionConfig({ INFERENCE_PROTOCOL: 'oip', INFERENCE_URL: standIn.address, INFERENCE_DEADLINE_MS: '1000', OIP_BATCH_TIMEOUT_MS: '100' });
    const capped = createOipBackend(config, createLogger('prediction-subgraph', 'silent'));
    try {
      // Answered from a halved call (batch of 1), not timed out with the one that hangs.
      const [hang, fine] = capped.predictBatch({ model: 'sentiment', version: 'v1' }, [text('hang'), text('fine')], ['req-10']);
      expect(await fine).toEqual(positive(1));
      expect(await outcomes([hang as Promise<unknown>])).toEqual([{ code: 'INFERENCE_TIMEOUT', message: 'sentiment:v1 did not answer within 1000 ms (INFERENCE_DEADLINE_MS)' }]);
      expect(batchSizes()).toEqual([2, 1, 1]);
    } finally {
      capped.close();
    }
  });

  it('refuses alone a feature FP32 cannot hold, before it can sink its call, and sends one at the edge', async () => {
    const max = 3.4028234663852886e38;
    const answers = await outcomes(backend.predictBatch({ model: 'numeric', version: 'v1' }, [features([1, 1e39]), features([1, 2]), features([max, -max])], ['req-11']));
    expect(answers).toEqual([
      { code: 'BAD_USER_INPUT', message: 'features[1] is 1e+39; with INFERENCE_PROTOCOL=oip features travel as FP32, which holds at most ±3.4028234663852886e+38' },
      expect.objectContaining({ numeric: expect.objectContaining({ classId: 2 }), batchSize: 2 }),
      expect.objectContaining({ numeric: expect.objectContaining({ classId: 2 }), batchSize: 2 }),
    ]);
    expect(standIn.calls.map((c) => c.inputs[0]?.shape)).toEqual([['2', '2']]);
  });

  it('falls back to the default version when the server answers a bare NOT_FOUND for the canary version', async () => {
    const config = loadPredictionConfig({
      HOST: '127.0.0.1',
      PORT: '0', METRICS_PORT: '0',
      INFERENCE_PROTOCOL: 'oip',
      INFERENCE_URL: standIn.address,
      DEFAULT_MODEL_VERSIONS: 'kserve:v1',
      CANARY: 'kserve:v2:100',
    });
    const subgraph = await startPredictionSubgraph(config, createLogger('prediction-subgraph', 'silent'));
    try {
      await subgraph.catalog.whenSynced();
      const res = await graphql<{ predict: { routing: string; modelVersion: string } }>(
        subgraph.url,
        'mutation { predict(input: { model: "kserve", text: "hello" }) { routing modelVersion } }',
      );
      expect(res.data?.predict).toEqual({ routing: 'FALLBACK', modelVersion: 'v1' });
      expect(standIn.calls.map((c) => c.modelVersion)).toEqual(['2', '1']);
    } finally {
      await subgraph.close();
    }
  });

  it('serves the models it can read when the server cannot serve others as configured, logging one error per model', async () => {
    const logs: { level: number; model?: string; reason?: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as { level: number; model?: string; reason?: string });
        done();
      },
    });
    const client = createOipClient(standIn.address);
    const catalog = new OipCatalog(
      client,
      {
        defaultVersions: new Map([['sentiment', 'v1'], ['numeric', 'v1'], ['ranked', 'v1']]),
        canary: [{ model: 'numeric', version: 'v9', percent: 10 }],
        refreshMs: 100,
        deadlineMs: 1000,
      },
      pino({ level: 'info' }, sink),
    );
    catalog.start();
    try {
      // Bounded, so that a catalog that never syncs fails this test instead of hanging the run.
      const giveUp = setTimeout(() => catalog.dispose(), 3000);
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
          ['ranked', 'the OIP server describes the inputs of ranked as text (BYTES, shape [-1, 1]); expected one input, text (BYTES, shape [batch]) or features (FP32, shape [batch, n])'],
        ]),
      );
      expect(errors).toHaveLength(2);
    } finally {
      catalog.dispose();
      client.close();
    }
  });

  it('answers MODEL_NOT_FOUND for a model the server does not have, not retried', async () => {
    const answers = await outcomes(backend.predictBatch({ model: 'nope', version: '' }, [text('a'), text('b')], ['req-4']));
    const notFound = expect.objectContaining({ code: 'MODEL_NOT_FOUND' });
    expect(answers).toEqual([notFound, notFound]);
    expect(standIn.calls).toHaveLength(1);
  });
});
