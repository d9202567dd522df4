import { tmpdir } from 'node:os';
import path from 'node:path';

import { Metadata, status } from '@grpc/grpc-js';
import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';

import { ConfigError } from '../../../lib/config';
import { createInferenceClient } from '../../../lib/grpc/client';
import type { ModelInferenceClient } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { ModelEvent__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelEvent';
import type { PredictResponse__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictResponse';
import type { ServerLiveResponse__Output } from '../../../lib/grpc/generated/inference/ServerLiveResponse';
import type { ModelInferRequest } from '../../../lib/grpc/generated/inference/ModelInferRequest';
import type { ModelInferResponse__Output } from '../../../lib/grpc/generated/inference/ModelInferResponse';
import { createOipClient } from '../../../lib/grpc/oip-client';
import { OPEN_CLIENT, generateInferenceToken } from '../../../lib/grpc/security';
import type { InferenceClientSecurity } from '../../../lib/grpc/security';
import { unary } from '../../../lib/grpc/unary';
import { loadModelsConfig } from '../../../subgraphs/models/src/index';
import { healthClient } from '../../../test/helpers/health';
import { listServices } from '../../../test/helpers/reflection';
import { failure, startInference } from '../../../test/helpers/inference';
import type { InferenceFixture } from '../../../test/helpers/inference';
import { spawnService } from '../../../stack/process';
import { isLoopbackHost, loadInferenceConfig } from '../config';

const withToken = (inferenceToken: string): InferenceClientSecurity => ({ ...OPEN_CLIENT, inferenceToken });

const predictWith = (client: ModelInferenceClient): Promise<PredictResponse__Output> =>
  unary((cb) =>
    client.Predict({ model: 'sentiment', version: '', input: { text: 'good' } }, new Metadata(), { deadline: Date.now() + 5000 }, cb),
  );

describe('inference-grpc with INFERENCE_TOKEN', () => {
  let f: InferenceFixture;
  const clients: { close(): void }[] = [];
  const client = (security: InferenceClientSecurity): ModelInferenceClient => {
    const c = createInferenceClient(f.address, {}, security);
    clients.push(c);
    return c;
  };
  const sentimentV1 = () => f.server.registry.get('sentiment').versions.find((v) => v.version === 'v1');

  beforeAll(async () => {
    f = await startInference();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await f.close();
  });

  it('refuses a call with no token with UNAUTHENTICATED, before any work (the model version is not even loaded)', async () => {
    expect(sentimentV1()?.state).toBe('UNLOADED');
    expect(await failure(predictWith(client(OPEN_CLIENT)))).toEqual({
      grpc: status.UNAUTHENTICATED,
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('missing bearer token'),
    });
    expect(sentimentV1()?.state).toBe('UNLOADED');
  });

  it.each([
    ['another token', () => generateInferenceToken()],
    ['the token with a character more', () => `${f.token}x`],
    ['the token less its last character', () => f.token.slice(0, -1)],
  ])('refuses %s with UNAUTHENTICATED', async (_name, token) => {
    expect(await failure(predictWith(client(withToken(token()))))).toEqual({
      grpc: status.UNAUTHENTICATED,
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('wrong bearer token'),
    });
    expect(sentimentV1()?.state).toBe('UNLOADED');
  });

  it('refuses a token sent without the Bearer scheme', async () => {
    const bare = client(OPEN_CLIENT);
    const metadata = new Metadata();
    metadata.set('authorization', f.token);
    const call = unary((cb) => bare.Predict({ model: 'sentiment', version: '', input: { text: 'good' } }, metadata, cb));
    expect(await failure(call)).toMatchObject({ grpc: status.UNAUTHENTICATED });
  });

  it('refuses an oversized request without the token as UNAUTHENTICATED: the message is not even read', async () => {
    const small = await startInference({ MAX_TEXT_LENGTH: '10', MAX_FEATURES: '1', MAX_BATCH_ITEMS: '1' });
    const open = createInferenceClient(small.address);
    try {
      const oversized = (c: ModelInferenceClient) =>
        unary((cb) =>
          c.Predict(
            { model: 'sentiment', version: '', input: { text: 'x'.repeat(100_000) } },
            new Metadata(),
            { deadline: Date.now() + 5000 },
            cb,
          ),
        );
      expect(await failure(oversized(open))).toMatchObject({ grpc: status.UNAUTHENTICATED });
      // With the token the same request is read, and refused for its size.
      expect(await failure(oversized(small.client))).toMatchObject({ grpc: status.RESOURCE_EXHAUSTED });
    } finally {
      open.close();
      await small.close();
    }
  });

  it('answers a call with the right token', async () => {
    expect((await predictWith(client(f.security))).prediction?.sentiment?.label).toBe('POSITIVE');
    expect(sentimentV1()?.state).toBe('LOADED');
  });

  it('refuses a traffic policy change without the token and leaves the policy as it was', async () => {
    const open = client(OPEN_CLIENT);
    const change = unary((cb) => open.SetTrafficPolicy({ model: 'numeric', canary: { version: 'v2', percent: 50 } }, cb));
    expect(await failure(change)).toMatchObject({ grpc: status.UNAUTHENTICATED, code: 'UNAUTHENTICATED' });
    expect(f.server.registry.get('numeric').canary).toBeUndefined();
  });

  it('ends a WatchModels stream without the token with UNAUTHENTICATED, before any event', async () => {
    const stream: ClientReadableStream<ModelEvent__Output> = client(OPEN_CLIENT).WatchModels({});
    const events: ModelEvent__Output[] = [];
    stream.on('data', (e: ModelEvent__Output) => events.push(e));
    const err = await new Promise<ServiceError>((resolve) => stream.once('error', resolve));
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect(events).toEqual([]);
  });

  it('guards the Open Inference Protocol service the same way', async () => {
    const open = createOipClient(f.address);
    const right = createOipClient(f.address, {}, f.security);
    clients.push(open, right);
    const infer: ModelInferRequest = {
      modelName: 'numeric',
      modelVersion: '1',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 1], contents: { fp32Contents: [1] } }],
    };
    expect(await failure(unary((cb) => open.ServerLive({}, cb)))).toMatchObject({ grpc: status.UNAUTHENTICATED, code: 'UNAUTHENTICATED' });
    expect(await failure(unary((cb) => open.ModelInfer(infer, cb)))).toMatchObject({
      grpc: status.UNAUTHENTICATED,
      code: 'UNAUTHENTICATED',
    });
    await expect(unary<ServerLiveResponse__Output>((cb) => right.ServerLive({}, cb))).resolves.toEqual({ live: true });
    await expect(unary<ModelInferResponse__Output>((cb) => right.ModelInfer(infer, cb))).resolves.toMatchObject({ modelName: 'numeric' });
  });

  it('keeps health open for probes', async () => {
    const health = healthClient(f.address);
    await expect(health.check('')).resolves.toBe('SERVING');
    health.close();
  });

  it('closes server reflection without the token and opens it with', async () => {
    await expect(listServices(f.address, OPEN_CLIENT)).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    await expect(listServices(f.address, f.security)).resolves.toContain('infergraph.inference.v1.ModelInference');
  });
});

describe('where inference-grpc may listen without a token', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
    expect(() => loadInferenceConfig({ HOST: host })).not.toThrow();
  });

  it.each(['0.0.0.0', '::', '10.0.0.5', 'inference.example.com', '128.0.0.1'])(
    'refuses %s with no INFERENCE_TOKEN, naming both settings and the way out',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
      expect(() => loadInferenceConfig({ HOST: host })).toThrow(ConfigError);
      expect(() => loadInferenceConfig({ HOST: host })).toThrow(
        /HOST=.* is not a loopback address and INFERENCE_TOKEN is empty.*INFERENCE_INSECURE=true/,
      );
      expect(() => loadInferenceConfig({ HOST: host, INFERENCE_TOKEN: generateInferenceToken() })).not.toThrow();
      expect(loadInferenceConfig({ HOST: host, INFERENCE_INSECURE: 'true' }).insecure).toBe(true);
    },
  );

  it('takes a token of 32 characters and refuses 31, a placeholder, or one with a space', () => {
    const token = generateInferenceToken();
    expect(token).toHaveLength(32);
    expect(loadInferenceConfig({ INFERENCE_TOKEN: token }).token).toBe(token);
    for (const bad of [token.slice(1), `replace-${token}`, `${token.slice(0, 16)} ${token.slice(16)}`]) {
      expect(() => loadInferenceConfig({ INFERENCE_TOKEN: bad })).toThrow(/INFERENCE_TOKEN=/);
    }
  });

  it('refuses TLS settings that make sense only together, naming them', () => {
    const pem = path.join(tmpdir(), `infergraph-absent-${process.pid}.pem`);
    expect(() => loadInferenceConfig({ INFERENCE_TLS_CERT: pem })).toThrow(/INFERENCE_TLS_CERT=.*cannot read the file/);
    expect(() => loadInferenceConfig({ INFERENCE_TLS_CERT: __filename })).toThrow(/INFERENCE_TLS_CERT=.*not a PEM file/);
    expect(() => loadModelsConfig({ INFERENCE_TLS_CA: __filename })).toThrow(/INFERENCE_TLS_CA=.*not a PEM file/);
  });

  it('as a process: exits 2 with the reason on 0.0.0.0 without a token, and with INFERENCE_INSECURE=true starts with a warning', async () => {
    const refused = spawnService('inference-grpc/src/main.ts', { HOST: '0.0.0.0' });
    expect(await refused.exited).toBe(2);
    expect(refused.stderr).toContain('HOST=0.0.0.0 is not a loopback address and INFERENCE_TOKEN is empty');

    const open = spawnService('inference-grpc/src/main.ts', { HOST: '0.0.0.0', INFERENCE_INSECURE: 'true', LOG_LEVEL: 'info' });
    try {
      const listening = await open.waitForLog('inference-grpc listening');
      expect(listening).toMatchObject({ token: false, tls: 'off' });
      const warning = open.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('INFERENCE_INSECURE=true'));
      expect(warning).toMatchObject({ level: 'warn', host: '0.0.0.0' });
    } finally {
      open.kill();
      await open.exited;
    }
  });
});
