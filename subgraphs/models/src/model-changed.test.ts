/**
 * `modelChanged` over graphql-ws on the models subgraph, in front of the real inference-grpc: it reports a change (a policy, a version loaded or unloaded)
 * made straight at inference-grpc, ends with INFERENCE_UNAVAILABLE once the copy has been without its stream past
 * CATALOG_MAX_STALENESS_MS, and with SUBGRAPH_SECRET set takes only a subscribe message signed for a reader.
 */
import type { FormattedExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws';

import { unary } from '../../../lib/grpc/unary';
import { until } from '../../../lib/until';
import { encodeIdentity, signSubscription } from '../../../lib/signing/message-signature';
import { liveSubscription, wsClient } from '../../../stack/graphql-client';
import { setPolicy, startInference } from '../../../test/helpers/inference';
import type { InferenceFixture } from '../../../test/helpers/inference';
import { startModels } from '../../../test/helpers/models';
import type { ModelsSubgraph } from './server';

const CHANGED = 'subscription { modelChanged { name canary { version percent } } }';
const SECRET = 'subgraph-secret-for-tests-0123456789';

type Changed = { modelChanged: { name: string; canary: { version: string; percent: number } | null } };
type Result = FormattedExecutionResult<Changed, unknown>;

/** Changes numeric's canary at inference-grpc, to a percent of its own per attempt. */
const pokeCanary = (inference: InferenceFixture, base: number) => (attempt: number) =>
  setPolicy(inference, { model: 'numeric', canary: { version: 'v2', percent: base + (attempt % 10) } });

async function next(iterator: AsyncIterableIterator<Result>, match: (r: Result) => boolean): Promise<Result | 'ended'> {
  for await (const result of iterator) if (match(result)) return result;
  return 'ended';
}

describe('modelChanged on the models subgraph', () => {
  let inference: InferenceFixture;
  let models: ModelsSubgraph;
  const clients: Client[] = [];
  beforeAll(async () => {
    inference = await startInference();
    models = await startModels(inference);
  });
  afterAll(async () => {
    await Promise.all(
      clients.map(async (c) => {
        await c.dispose();
      }),
    );
    await models.close();
    await inference.close();
  });
  const client = (url = models.url): Client => {
    const c = wsClient(url);
    clients.push(c);
    return c;
  };

  it('reports a change made straight at inference-grpc, as the copy applies it', async () => {
    const events = await liveSubscription<Changed>(client(), CHANGED, pokeCanary(inference, 10));
    await setPolicy(inference, { model: 'numeric', canary: { version: 'v2', percent: 77 } });
    expect(await next(events, (r) => r.data?.modelChanged.canary?.percent === 77)).toEqual({
      data: { modelChanged: { name: 'numeric', canary: { version: 'v2', percent: 77 } } },
    });
    await events.return?.();
  });

  it('reports a version loaded and unloaded at inference-grpc, with its new state', async () => {
    const query = 'subscription { modelChanged { name versions { version state loaded } } }';
    type Versions = { modelChanged: { name: string; versions: { version: string; state: string; loaded: boolean }[] } };
    const events = await liveSubscription<Versions>(client(), query, pokeCanary(inference, 30));
    const v2 = (r: FormattedExecutionResult<Versions, unknown>) => r.data?.modelChanged.versions.find((v) => v.version === 'v2');
    const repository = (rpc: 'RepositoryModelLoad' | 'RepositoryModelUnload') =>
      unary((cb) => inference.client[rpc]({ model: 'sentiment', version: 'v2' }, cb));
    // next() by hand: leaving a for-await would end the subscription.
    const stateOfV2 = async (state: string): Promise<unknown> => {
      for (;;) {
        const { value, done } = await events.next();
        if (done) return 'ended';
        if (value.data?.modelChanged.name === 'sentiment' && v2(value)?.state === state) return v2(value);
      }
    };
    await repository('RepositoryModelLoad');
    expect(await stateOfV2('LOADED')).toMatchObject({ version: 'v2', loaded: true });
    await repository('RepositoryModelUnload');
    expect(await stateOfV2('UNLOADED')).toEqual({ version: 'v2', state: 'UNLOADED', loaded: false });
    await events.return?.();
  });

  it('ends with INFERENCE_UNAVAILABLE once its registry stream has been down past CATALOG_MAX_STALENESS_MS', async () => {
    const own = await startInference();
    const staling = await startModels(own, { CATALOG_MAX_STALENESS_MS: '300' });
    const c = wsClient(staling.url);
    try {
      const events = await liveSubscription<Changed>(c, CHANGED, pokeCanary(own, 20));
      await own.close();
      const results: Result[] = [];
      for await (const result of events) results.push(result);
      expect(results.at(-1)).toMatchObject({
        data: null,
        errors: [{ extensions: { code: 'INFERENCE_UNAVAILABLE' }, message: expect.stringContaining('CATALOG_MAX_STALENESS_MS (300 ms)') }],
      });
    } finally {
      await c.dispose();
      await staling.close();
      await own.close();
    }
  });

  describe('with SUBGRAPH_SECRET', () => {
    let signed: ModelsSubgraph;
    beforeAll(async () => {
      signed = await startModels(inference, { SUBGRAPH_SECRET: SECRET });
    });
    afterAll(() => signed.close());
    const wsUrl = (): string => signed.url.replace(/^http/, 'ws');

    /** The first thing the subgraph answers to one subscribe message: its error code, or 'subscribed' at an event. */
    async function subscribeWith(extensions: Record<string, string>): Promise<string> {
      const c = client(signed.url);
      const answer = new Promise<string>((resolve) => {
        c.subscribe(
          { query: CHANGED, extensions },
          {
            next: (r) => resolve(r.errors ? String(r.errors[0]?.extensions?.code) : 'subscribed'),
            error: (err: unknown) =>
              resolve(Array.isArray(err) ? String((err[0] as { extensions?: { code?: unknown } }).extensions?.code) : JSON.stringify(err)),
            complete: () => resolve('complete'),
          },
        );
      });
      // An accepted subscription says nothing until a change: changes are made until it answers.
      let answered = false;
      void answer.then(() => (answered = true));
      let attempt = 0;
      await until(
        async () => {
          if (!answered) await pokeCanary(inference, 30)(attempt++);
          return answered;
        },
        'the subscription to answer a change or refuse',
        10_000,
      );
      return answer;
    }

    it('takes a subscribe message signed for a reader; refuses one unsigned, or signed for a caller without the reader role', async () => {
      const message = { query: CHANGED };
      expect(
        await subscribeWith(await signSubscription(wsUrl(), message, encodeIdentity({ subject: 'dash', roles: ['reader'] }), SECRET)),
      ).toBe('subscribed');
      expect(await subscribeWith({})).toBe('UNAUTHENTICATED');
      const predictor = encodeIdentity({ subject: 'app', roles: ['predictor'] });
      expect(await subscribeWith(await signSubscription(wsUrl(), message, predictor, SECRET))).toBe('FORBIDDEN');
    });
  });
});
