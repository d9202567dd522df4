import { Metadata, status } from '@grpc/grpc-js';

import { createInferenceClient } from '../../../lib/grpc/client';
import type { ModelInferenceClient } from '../../../lib/grpc/generated/infergraph/inference/v1/ModelInference';
import type { PredictResponse__Output } from '../../../lib/grpc/generated/infergraph/inference/v1/PredictResponse';
import type { InferenceClientSecurity } from '../../../lib/grpc/security';
import { unary } from '../../../lib/grpc/unary';
import { loadModelsConfig } from '../../../subgraphs/models/src/index';
import { failure, startInference } from '../../../test/helpers/inference';
import type { InferenceFixture } from '../../../test/helpers/inference';
import { PREDICTION_FIELDS, startPredictionStack } from '../../../test/helpers/prediction';
import { makeTestPki } from '../../../test/helpers/tls';
import type { TestPki } from '../../../test/helpers/tls';

/** A client's security as a subgraph reads it from its environment. */
const clientSecurity = (env: Record<string, string>): InferenceClientSecurity => loadModelsConfig(env);

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.remove());

describe('inference-grpc over TLS, with and without client certificates', () => {
  const clients: ModelInferenceClient[] = [];
  const predictOver = (f: InferenceFixture, security: InferenceClientSecurity): Promise<PredictResponse__Output> => {
    const client = createInferenceClient(f.address, {}, security);
    clients.push(client);
    return unary((cb) =>
      client.Predict({ model: 'sentiment', version: '', input: { text: 'good' } }, new Metadata(), { deadline: Date.now() + 5000 }, cb),
    );
  };
  afterAll(() => {
    for (const c of clients) c.close();
  });

  describe('TLS', () => {
    let f: InferenceFixture;
    beforeAll(async () => {
      f = await startInference({ INFERENCE_TLS_CERT: pki.serverCert, INFERENCE_TLS_KEY: pki.serverKey });
    });
    afterAll(() => f.close());

    it('answers a client that trusts its CA and sends the token', async () => {
      const answer = await predictOver(f, clientSecurity({ INFERENCE_TOKEN: f.token, INFERENCE_TLS_CA: pki.ca }));
      expect(answer.prediction?.sentiment?.label).toBe('POSITIVE');
    });

    it('still wants the token over TLS', async () => {
      expect(await failure(predictOver(f, clientSecurity({ INFERENCE_TLS_CA: pki.ca })))).toMatchObject({ grpc: status.UNAUTHENTICATED });
    });

    it('fails the handshake of a plaintext client and of one trusting another CA', async () => {
      expect(await failure(predictOver(f, clientSecurity({ INFERENCE_TOKEN: f.token })))).toMatchObject({ grpc: status.UNAVAILABLE });
      expect(await failure(predictOver(f, clientSecurity({ INFERENCE_TOKEN: f.token, INFERENCE_TLS_CA: pki.otherCa })))).toMatchObject({
        grpc: status.UNAVAILABLE,
      });
    });
  });

  describe('mutual TLS (INFERENCE_TLS_CLIENT_CA)', () => {
    let f: InferenceFixture;
    beforeAll(async () => {
      f = await startInference({ INFERENCE_TLS_CERT: pki.serverCert, INFERENCE_TLS_KEY: pki.serverKey, INFERENCE_TLS_CLIENT_CA: pki.ca });
    });
    afterAll(() => f.close());

    it('refuses a client with no certificate, and answers one with a certificate its CA signed', async () => {
      expect(await failure(predictOver(f, clientSecurity({ INFERENCE_TOKEN: f.token, INFERENCE_TLS_CA: pki.ca })))).toMatchObject({
        grpc: status.UNAVAILABLE,
      });
      const mutual = clientSecurity({
        INFERENCE_TOKEN: f.token,
        INFERENCE_TLS_CA: pki.ca,
        INFERENCE_TLS_CLIENT_CERT: pki.clientCert,
        INFERENCE_TLS_CLIENT_KEY: pki.clientKey,
      });
      expect((await predictOver(f, mutual)).prediction?.sentiment?.label).toBe('POSITIVE');
    });
  });

  it('refuses client settings that make sense only together', () => {
    expect(() => clientSecurity({ INFERENCE_TLS_CA: pki.ca, INFERENCE_TLS_CLIENT_CERT: pki.clientCert })).toThrow(
      /INFERENCE_TLS_CLIENT_CERT and INFERENCE_TLS_CLIENT_KEY/,
    );
    expect(() => clientSecurity({ INFERENCE_TLS_CLIENT_CERT: pki.clientCert, INFERENCE_TLS_CLIENT_KEY: pki.clientKey })).toThrow(
      /needs INFERENCE_TLS_CA/,
    );
  });
});

describe('the prediction subgraph in front of inference-grpc over mutual TLS', () => {
  it.each(['infergraph', 'oip'] as const)('answers a prediction speaking %s', async (protocol) => {
    const stack = await startPredictionStack({
      protocol,
      inferenceEnv: { INFERENCE_TLS_CERT: pki.serverCert, INFERENCE_TLS_KEY: pki.serverKey, INFERENCE_TLS_CLIENT_CA: pki.ca },
      predictionEnv: { INFERENCE_TLS_CA: pki.ca, INFERENCE_TLS_CLIENT_CERT: pki.clientCert, INFERENCE_TLS_CLIENT_KEY: pki.clientKey },
    });
    try {
      const res = await stack.query<{ predict: { label: string } }>(
        `mutation { predict(input: { model: "sentiment", text: "what a lovely day" }) { ${PREDICTION_FIELDS} } }`,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.predict.label).toBe('POSITIVE');
    } finally {
      await stack.close();
    }
  });
});
