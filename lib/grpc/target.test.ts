import dns from 'node:dns';

import { Metadata, connectivityState } from '@grpc/grpc-js';

import { readConfig, ConfigError } from '../config';
import { startInference } from '../../test/helpers/inference';
import type { InferenceFixture } from '../../test/helpers/inference';
import { createInferenceClient } from './client';
import { generateInferenceToken } from './security';
import type { ModelInferenceClient } from './generated/infergraph/inference/v1/ModelInference';
import type { PredictResponse__Output } from './generated/infergraph/inference/v1/PredictResponse';
import { inferenceReconnectSetting, inferenceUrlSetting, reconnectOptions } from './target';
import { unary } from './unary';
import { until } from '../until';

const settings = { url: inferenceUrlSetting('Where inference-grpc answers.') };

describe('INFERENCE_RECONNECT_MAX_MS', () => {
  const reconnect = { maxMs: inferenceReconnectSetting() };

  it('takes 100 ms to 120 s and caps both gRPC backoff options with it', () => {
    expect(readConfig({}, reconnect).maxMs).toBe(1000);
    expect(readConfig({ INFERENCE_RECONNECT_MAX_MS: '100' }, reconnect).maxMs).toBe(100);
    expect(readConfig({ INFERENCE_RECONNECT_MAX_MS: '120000' }, reconnect).maxMs).toBe(120_000);
    expect(() => readConfig({ INFERENCE_RECONNECT_MAX_MS: '99' }, reconnect)).toThrow(ConfigError);
    expect(() => readConfig({ INFERENCE_RECONNECT_MAX_MS: '120001' }, reconnect)).toThrow(ConfigError);
    expect(reconnectOptions(300)).toEqual({ 'grpc.initial_reconnect_backoff_ms': 300, 'grpc.max_reconnect_backoff_ms': 300 });
    expect(reconnectOptions(5000)).toEqual({ 'grpc.initial_reconnect_backoff_ms': 1000, 'grpc.max_reconnect_backoff_ms': 5000 });
  });
});

describe('INFERENCE_URL', () => {
  it('takes one address or any gRPC target as it is', () => {
    expect(readConfig({ INFERENCE_URL: 'inference:50051' }, settings).url).toBe('inference:50051');
    expect(readConfig({ INFERENCE_URL: 'dns:///inference-headless:50051' }, settings).url).toBe('dns:///inference-headless:50051');
  });

  it('takes a comma-separated list of host:port entries', () => {
    expect(readConfig({ INFERENCE_URL: '127.0.0.1:50051, localhost:50052,[::1]:50053' }, settings).url).toBe(
      '127.0.0.1:50051,localhost:50052,[::1]:50053',
    );
  });

  it('names every malformed entry of a list', () => {
    expect(() => readConfig({ INFERENCE_URL: '127.0.0.1:50051,inference,dns:///x:1,h:99999' }, settings)).toThrow(ConfigError);
    expect(() => readConfig({ INFERENCE_URL: '127.0.0.1:50051,inference,dns:///x:1,h:99999' }, settings)).toThrow(
      /INFERENCE_URL.*"inference", "dns:\/\/\/x:1", "h:99999" is not host:port/s,
    );
  });
});

describe('a client over a list of inference replicas', () => {
  // The two replicas differ in their default sentiment version, so each answer says which replica gave it.
  let v1: InferenceFixture;
  let v2: InferenceFixture;
  let client: ModelInferenceClient;

  const predict = (): Promise<PredictResponse__Output> =>
    unary<PredictResponse__Output>((cb) =>
      client.Predict({ model: 'sentiment', version: '', input: { text: 'good' } }, new Metadata(), { deadline: Date.now() + 5000 }, cb),
    );

  beforeAll(async () => {
    // Replicas of one deployment share its token.
    const token = generateInferenceToken();
    v1 = await startInference({ DEFAULT_MODEL_VERSIONS: 'sentiment:v1', INFERENCE_TOKEN: token });
    v2 = await startInference({ DEFAULT_MODEL_VERSIONS: 'sentiment:v2', INFERENCE_TOKEN: token });
    // Host names and IP literals mixed: each entry is resolved on its own.
    client = createInferenceClient(`localhost:${v1.server.port},127.0.0.1:${v2.server.port}`, {}, v1.security);
  });

  afterAll(async () => {
    client.close();
    await Promise.all([v1.close(), v2.close()]);
  });

  it('spreads calls over every replica, then keeps answering from the one left when the other goes away', async () => {
    // Round-robin connects to every replica at once; the first calls go to whichever is ready first, so wait until both have answered.
    const seen = new Set<string | undefined>();
    await until(async () => seen.add((await predict()).prediction?.modelVersion).size === 2, 'both replicas to answer', 10_000);
    const versions: (string | undefined)[] = [];
    for (let i = 0; i < 20; i += 1) versions.push((await predict()).prediction?.modelVersion);
    expect(versions.filter((v) => v === 'v1')).toHaveLength(10);
    expect(versions.filter((v) => v === 'v2')).toHaveLength(10);

    await v1.close();
    const after = await Promise.all(Array.from({ length: 20 }, predict));
    expect(after.map((r) => r.prediction?.modelVersion)).toEqual(Array.from({ length: 20 }, () => 'v2'));
  });
});

describe('a client over a list whose entries come and go', () => {
  let server: InferenceFixture;
  const fixtures: { close(): void }[] = [];

  beforeAll(async () => {
    server = await startInference();
  });

  afterAll(async () => {
    for (const f of fixtures) f.close();
    jest.restoreAllMocks();
    await server.close();
  });

  const predictWith = (client: ModelInferenceClient): Promise<PredictResponse__Output> =>
    unary<PredictResponse__Output>((cb) =>
      client.Predict({ model: 'sentiment', version: '', input: { text: 'good' } }, new Metadata(), { deadline: Date.now() + 3000 }, cb),
    );

  it('answers again after the channel has gone idle and let go of its resolver', async () => {
    // grpc-js's shortest idle timeout is 1 s (30 min by default): idling destroys the resolver, the next call restarts it.
    const client = createInferenceClient(
      `127.0.0.1:${server.server.port},localhost:${server.server.port}`,
      { 'grpc.client_idle_timeout_ms': 1000 },
      server.security,
    );
    fixtures.push(client);
    expect((await predictWith(client)).prediction?.sentiment?.label).toBe('POSITIVE');
    await until(() => client.getChannel().getConnectivityState(false) === connectivityState.IDLE, 'the channel to go idle', 10_000);
    expect((await predictWith(client)).prediction?.sentiment?.label).toBe('POSITIVE');
  });

  it('takes an entry whose name did not resolve into the rotation once it resolves, with no failure to prompt it', async () => {
    // Stands in for a restarted container whose DNS record comes back: the name first fails to resolve, then resolves.
    let resolvable = false;
    const real = dns.promises.lookup.bind(dns.promises);
    jest
      .spyOn(dns.promises, 'lookup')
      .mockImplementation(((host: string, options: dns.LookupAllOptions) =>
        host === 'replica-two.invalid' && !resolvable
          ? Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }))
          : real(host === 'replica-two.invalid' ? '127.0.0.1' : host, options)) as typeof dns.promises.lookup);
    const other = await startInference({ DEFAULT_MODEL_VERSIONS: 'sentiment:v2', INFERENCE_TOKEN: server.token });
    fixtures.push({ close: () => void other.close() });
    const client = createInferenceClient(`127.0.0.1:${server.server.port},replica-two.invalid:${other.server.port}`, {}, server.security);
    fixtures.push(client);
    expect((await predictWith(client)).prediction?.modelVersion).toBe('v1');
    resolvable = true;
    await until(
      async () => (await predictWith(client)).prediction?.modelVersion === 'v2',
      'the second replica to answer once its name resolves',
      5000,
    );
  });
});
