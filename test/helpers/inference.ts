/** Starts the real inference-grpc server on port 0 and a real client for it. */
import { Writable } from 'node:stream';

import { Metadata } from '@grpc/grpc-js';
import pino from 'pino';
import type { ServiceError } from '@grpc/grpc-js';

import { CODE_METADATA_KEY } from '../../lib/grpc/errors';
import { createInferenceClient } from '../../lib/grpc/client';
import { OPEN_CLIENT, generateInferenceToken } from '../../lib/grpc/security';
import type { InferenceClientSecurity } from '../../lib/grpc/security';
import type { ModelInferenceClient } from '../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { ModelInfo__Output } from '../../lib/grpc/generated/infergraph/inference/v1/ModelInfo';
import type { SetTrafficPolicyRequest } from '../../lib/grpc/generated/infergraph/inference/v1/SetTrafficPolicyRequest';
import type { PredictInput } from '../../lib/grpc/generated/infergraph/inference/v1/PredictInput';
import type { PredictResponse__Output } from '../../lib/grpc/generated/infergraph/inference/v1/PredictResponse';
import { unary } from '../../lib/grpc/unary';
import { createLogger } from '../../lib/logger';
import { loadInferenceConfig } from '../../inference-grpc/src/index';
import type { InferenceConfig } from '../../inference-grpc/src/index';
import { startInferenceServer } from '../../inference-grpc/src/index';
import type { InferenceServer } from '../../inference-grpc/src/index';
import type { ModelDefinition } from '../../inference-grpc/src/index';
import { EPHEMERAL_PORTS, wiring } from '../../stack/topology';

export interface InferenceFixture {
  readonly server: InferenceServer;
  /** Log lines of the server, when started with LOG_LEVEL set (else none). */
  readonly logs: readonly Record<string, unknown>[];
  readonly client: ModelInferenceClient;
  readonly address: string;
  readonly config: InferenceConfig;
  /** The INFERENCE_TOKEN the server was started with ('' when a test turned it off). */
  readonly token: string;
  /** What a client needs to be let in: pass to createInferenceClient / createOipClient. */
  readonly security: InferenceClientSecurity;
  /** The variables a subgraph needs to reach this server (INFERENCE_URL, INFERENCE_TOKEN). */
  readonly clientEnv: Record<string, string>;
  predict(model: string, input: PredictInput, options?: { version?: string; deadlineMs?: number }): Promise<PredictResponse__Output>;
  close(): Promise<void>;
}

/**
 * Started with a fresh random INFERENCE_TOKEN, as every stack is, unless `env` sets one ('' for none),
 * and FAULT_HOOKS on unless `env` turns it off: fault tests send simulate-timeout and simulate-error.
 */
export async function startInference(env: Record<string, string> = {}, catalog?: readonly ModelDefinition[]): Promise<InferenceFixture> {
  const token = env.INFERENCE_TOKEN ?? generateInferenceToken();
  const config = loadInferenceConfig({
    HOST: '127.0.0.1',
    ...EPHEMERAL_PORTS,
    NUMERIC_LATENCY_MS: '20',
    FAULT_HOOKS: 'true',
    ...env,
    INFERENCE_TOKEN: token,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = env.LOG_LEVEL
    ? pino({ level: config.logLevel, base: { service: 'inference-grpc' } }, sink)
    : createLogger('inference-grpc', 'silent');
  const server = await startInferenceServer(config, logger, catalog);
  const address = `127.0.0.1:${server.port}`;
  const security = { ...OPEN_CLIENT, inferenceToken: token };
  const client = createInferenceClient(address, {}, security);
  return {
    server,
    logs,
    client,
    address,
    config,
    token,
    security,
    clientEnv: { ...wiring('prediction', new Map([['inference', [server]]])), INFERENCE_TOKEN: token },
    predict: (model, input, options = {}) =>
      unary<PredictResponse__Output>((cb) =>
        client.Predict(
          { model, version: options.version ?? '', input },
          new Metadata(),
          { deadline: Date.now() + (options.deadlineMs ?? 5000) },
          cb,
        ),
      ),
    close: async () => {
      client.close();
      await server.drain(1000);
    },
  };
}

/** SetTrafficPolicy on the fixture's server; answers the model as it is after the change. */
export function setPolicy(f: InferenceFixture, req: SetTrafficPolicyRequest): Promise<ModelInfo__Output> {
  return unary((cb) => f.client.SetTrafficPolicy(req, cb));
}

/** The gRPC status and InferGraph code of a failed call. */
export async function failure(call: Promise<unknown>): Promise<{ grpc: number; code: string | undefined; message: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as ServiceError;
    const code = e.metadata?.get(CODE_METADATA_KEY)[0];
    return { grpc: e.code, code: typeof code === 'string' ? code : undefined, message: e.details };
  }
  throw new Error('expected the call to fail, but it answered');
}
