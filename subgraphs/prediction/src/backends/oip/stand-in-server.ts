/**
 * A stand-in for another OIP server, over a real gRPC channel, for the OIP
 * backend's tests: it answers as Triton does (typed contents, outputs of shape
 * [batch, 1], no `label` for numeric models) and refuses a whole request for
 * one bad input, as OIP servers must. Two more text models: `broken` fails
 * every input, `limited` refuses batches of more than 8 (as Triton does past
 * a model's max_batch_size). `kserve` lists no versions and answers a bare
 * NOT_FOUND for its version 2. The text `hang` holds its call unanswered.
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';

import type { GRPCInferenceServiceHandlers } from '../../../../../lib/grpc/generated/inference/GRPCInferenceService';
import type { ModelInferRequest__Output } from '../../../../../lib/grpc/generated/inference/ModelInferRequest';
import { loadOipProto } from '../../../../../lib/grpc/oip-client';
import { readBytes, readNumbers } from '../../../../../lib/oip/tensors';

export interface StandIn {
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
export const LIMITED_MAX_BATCH = 8;

export async function startStandIn(): Promise<StandIn> {
  const calls: ModelInferRequest__Output[] = [];
  const metadataAsked = new Map<string, number>();
  const notFound = { code: status.NOT_FOUND, details: 'unknown model' };
  // The repository extension is optional in OIP; the backend never calls it.
  const unimplemented = { code: status.UNIMPLEMENTED, details: 'no model repository extension' };
  const handlers: GRPCInferenceServiceHandlers = {
    ServerLive: (_call, cb) => cb(null, { live: true }),
    RepositoryIndex: (_call, cb) => cb(unimplemented),
    RepositoryModelLoad: (_call, cb) => cb(unimplemented),
    RepositoryModelUnload: (_call, cb) => cb(unimplemented),
    ServerReady: (_call, cb) => cb(null, { ready: true }),
    ServerMetadata: (_call, cb) => cb(null, { name: 'stand-in', version: '1', extensions: [] }),
    ModelMetadata: (call, cb) => {
      metadataAsked.set(call.request.name, (metadataAsked.get(call.request.name) ?? 0) + 1);
      const input = INPUTS[call.request.name];
      if (!input) return cb(notFound);
      cb(null, {
        name: call.request.name,
        versions: call.request.name === 'kserve' ? [] : ['1', '2'],
        platform: 'stand-in',
        inputs: [input],
        outputs: [],
      });
    },
    // Version 2 of sentiment is not ready.
    ModelReady: (call, cb) => cb(null, { ready: !(call.request.name === 'sentiment' && call.request.version === '2') }),
    // Like KServe's servers, it has no statistics extension (Triton's).
    ModelStatistics: (_call, cb) => cb({ code: status.UNIMPLEMENTED, details: 'statistics extension not supported' }),
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
        if (texts.includes('bad'))
          return cb({ code: status.INVALID_ARGUMENT, details: `input text, element ${texts.indexOf('bad')} is bad` });
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
