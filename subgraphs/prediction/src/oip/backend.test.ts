/**
 * The OIP backend against a stand-in for another OIP server, over a real gRPC
 * channel: it answers as Triton does (typed contents, outputs of shape
 * [batch, 1], no `label` for numeric models) and refuses a whole request for
 * one bad input, as OIP servers must.
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';

import { InferGraphError } from '../../../../lib/errors';
import type { GRPCInferenceServiceHandlers } from '../../../../lib/grpc/generated/inference/GRPCInferenceService';
import type { ModelInferRequest__Output } from '../../../../lib/grpc/generated/inference/ModelInferRequest';
import type { PredictInput } from '../../../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import { loadOipProto } from '../../../../lib/grpc/oip-client';
import { createLogger } from '../../../../lib/logger';
import { readBytes, readNumbers } from '../../../../lib/oip/tensors';
import type { InferenceBackend } from '../backend';
import { loadPredictionConfig } from '../config';
import { createOipBackend } from './backend';

interface StandIn {
  readonly address: string;
  readonly calls: ModelInferRequest__Output[];
  close(): void;
}

const INPUTS: Record<string, { name: string; datatype: string; shape: number[] }> = {
  sentiment: { name: 'text', datatype: 'BYTES', shape: [-1] },
  numeric: { name: 'features', datatype: 'FP32', shape: [-1, -1] },
};

async function startStandIn(): Promise<StandIn> {
  const calls: ModelInferRequest__Output[] = [];
  const notFound = { code: status.NOT_FOUND, details: 'unknown model' };
  const handlers: GRPCInferenceServiceHandlers = {
    ServerLive: (_call, cb) => cb(null, { live: true }),
    ServerReady: (_call, cb) => cb(null, { ready: true }),
    ServerMetadata: (_call, cb) => cb(null, { name: 'stand-in', version: '1', extensions: [] }),
    ModelMetadata: (call, cb) => {
      const input = INPUTS[call.request.name];
      if (!input) return cb(notFound);
      cb(null, { name: call.request.name, versions: ['1', '2'], platform: 'stand-in', inputs: [input], outputs: [] });
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
      if (req.modelName === 'sentiment') {
        const texts = readBytes('text', batch, tensor.contents, req.rawInputContents[0]).map(String);
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
  return { address: `127.0.0.1:${port}`, calls, close: () => server.forceShutdown() };
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

  it('answers a batch the server refused for one input by sending its inputs again one by one', async () => {
    const answers = await outcomes(backend.predictBatch({ model: 'sentiment', version: 'v1' }, [text('fine'), text('bad'), text('also fine')], ['req-2']));
    expect(answers).toEqual([
      expect.objectContaining({ sentiment: expect.objectContaining({ label: 'POSITIVE' }), batchSize: 1 }),
      { code: 'BAD_USER_INPUT', message: 'input text, element 0 is bad' },
      expect.objectContaining({ sentiment: expect.objectContaining({ label: 'POSITIVE' }), batchSize: 1 }),
    ]);
    expect(standIn.calls.map((c) => c.inputs[0]?.shape[0])).toEqual(['3', '1', '1', '1']);
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

  it('answers MODEL_NOT_FOUND for a model the server does not have, not retried', async () => {
    const answers = await outcomes(backend.predictBatch({ model: 'nope', version: '' }, [text('a'), text('b')], ['req-4']));
    const notFound = expect.objectContaining({ code: 'MODEL_NOT_FOUND' });
    expect(answers).toEqual([notFound, notFound]);
    expect(standIn.calls).toHaveLength(1);
  });
});
