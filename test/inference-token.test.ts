/** The whole chain with inference-grpc guarded by INFERENCE_TOKEN, as every stack now runs it. */
import { Metadata, status } from '@grpc/grpc-js';

import { createInferenceClient } from '../lib/grpc/client';
import { unary } from '../lib/grpc/unary';
import { failure } from './helpers/inference';
import { startStack } from './helpers/stack';
import type { Stack } from './helpers/stack';

describe('the gateway in front of an inference-grpc that wants a token', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('answers predictions, model reads and a policy change through the gateway, while a gRPC caller without the token is refused', async () => {
    expect(stack.prediction.inference.token).toHaveLength(32);
    const open = createInferenceClient(stack.prediction.inference.address);
    try {
      const refused = unary((cb) => open.GetModel({ name: 'numeric' }, new Metadata(), { deadline: Date.now() + 5000 }, cb));
      expect(await failure(refused)).toMatchObject({ grpc: status.UNAUTHENTICATED, code: 'UNAUTHENTICATED' });
    } finally {
      open.close();
    }

    const predicted = await stack.query<{ predict: { label: string; model: { defaultVersion: string } } }>(
      'mutation { predict(input: { model: "sentiment", text: "what a lovely day", cache: BYPASS }) { label model { defaultVersion } } }',
    );
    expect(predicted.errors).toBeUndefined();
    expect(predicted.data?.predict).toEqual({ label: 'POSITIVE', model: { defaultVersion: 'v1' } });

    const changed = await stack.query<{ setTrafficPolicy: { canary: { version: string; percent: number } } }>(
      'mutation { setTrafficPolicy(input: { model: "numeric", canary: { version: "v2", percent: 10 } }) { canary { version percent } } }',
    );
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.setTrafficPolicy.canary).toEqual({ version: 'v2', percent: 10 });
    expect(stack.prediction.inference.server.registry.get('numeric').canary).toEqual({ version: 'v2', percent: 10 });
  });
});
