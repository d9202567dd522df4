/**
 * What a client hears when an internal service is gone: the service's name
 * and the code, never where it listens. Where the call went is in the log of
 * the service that made it, under the client's request id. The stack as real
 * processes, each stopped as a crash would stop it.
 */
import { collect, graphql, wsClient } from '../../stack/graphql-client';
import { startProcessStack } from '../helpers/process-stack';
import type { ProcessStack } from '../helpers/process-stack';
import { until } from '../../lib/until';

/** An IPv4 address, a :port, a URL or a host name a client has no business seeing. */
const INTERNAL_ADDRESS = /\b(?:\d{1,3}\.){3}\d{1,3}\b|:\d{2,5}\b|\w+:\/\/|localhost|\[::/;

/** Every error of an answer, with its message and code. */
function errorsOf(res: {
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}): { message: string; code: unknown }[] {
  return (res.errors ?? []).map((e) => ({ message: e.message, code: e.extensions?.code }));
}

describe('errors when an internal service is down', () => {
  let stack: ProcessStack | undefined;
  afterAll(() => stack?.close(), 30_000);

  it('name the service and the code, carry no internal address, and the log has the address under the request id', async () => {
    // The models subgraph answers from its WatchModels copy until the stream has been down this long.
    stack = await startProcessStack({ models: { CATALOG_MAX_STALENESS_MS: '300' } });
    const s = stack;
    const ask = (query: string, requestId: string) => graphql(s.url, query, {}, { 'x-request-id': requestId });
    const logged = (service: 'prediction' | 'models' | 'supergraph', msg: string, requestId: string, where: string): Promise<void> =>
      until(
        () =>
          s.service(service).lines.some(
            (l) =>
              l.msg === msg &&
              String(l.requestIds ?? l.requestId)
                .split(',')
                .includes(requestId) &&
              JSON.stringify(l).includes(where),
          ),
        `${service} to log "${msg}" for ${requestId}`,
        5000,
      );

    expect(errorsOf(await ask('{ models { name } }', 'warm-up'))).toEqual([]);
    await s.killInference();

    const predict = await ask(
      'mutation { predict(input: { model: "sentiment", text: "anyone there?", cache: BYPASS }) { label } }',
      'no-address-predict',
    );
    expect(errorsOf(predict)).toEqual([
      { message: expect.stringMatching(/^inference-grpc is unavailable/), code: 'INFERENCE_UNAVAILABLE' },
    ]);
    expect(errorsOf(predict)[0]?.message).not.toMatch(INTERNAL_ADDRESS);
    await logged('prediction', 'a call to inference-grpc failed', 'no-address-predict', '127.0.0.1:');

    let models: Awaited<ReturnType<typeof ask>> | undefined;
    await until(
      async () => {
        models = await ask('{ models { name } }', 'no-address-models');
        return errorsOf(models).length > 0;
      },
      'models reads to be refused past CATALOG_MAX_STALENESS_MS',
      5000,
    );
    const refused = errorsOf(models ?? {});
    expect(refused).toEqual([
      { message: expect.stringMatching(/inference-grpc.*CATALOG_MAX_STALENESS_MS/), code: 'INFERENCE_UNAVAILABLE' },
    ]);
    expect(refused[0]?.message).not.toMatch(INTERNAL_ADDRESS);
    // A read makes no call of its own: where the registry stream went is in the log line of its failure.
    await until(
      () => s.service('models').lines.some((l) => l.msg === 'a call to inference-grpc failed' && JSON.stringify(l).includes('127.0.0.1:')),
      'models to log where the registry stream went',
      5000,
    );

    const models2 = s.service('models');
    models2.kill();
    await models2.exited;
    const down = await ask('{ models { name } }', 'no-address-subgraph');
    expect(errorsOf(down)).toEqual([
      { message: expect.stringMatching(/^the subgraph models is unavailable/), code: 'SUBGRAPH_UNAVAILABLE' },
    ]);
    expect(errorsOf(down)[0]?.message).not.toMatch(INTERNAL_ADDRESS);
    await logged('supergraph', 'a subgraph fetch failed', 'no-address-subgraph', 'http://127.0.0.1:');

    const prediction = s.service('prediction');
    prediction.kill();
    await prediction.exited;
    const client = wsClient(s.url);
    try {
      const [ended] = await collect(client.iterate({ query: 'subscription { latencyEvents { predictionId } }' }), 1);
      expect(errorsOf(ended ?? {})).toEqual([
        { message: 'the subscription to subgraph prediction ended: the connection failed (ECONNREFUSED)', code: 'SUBGRAPH_UNAVAILABLE' },
      ]);
      expect(errorsOf(ended ?? {})[0]?.message).not.toMatch(INTERNAL_ADDRESS);
      await until(
        () => s.service('supergraph').lines.some((l) => l.msg === 'a subgraph subscription failed' && String(l.err).includes('127.0.0.1:')),
        'the supergraph to log the failed subscription',
        5000,
      );
    } finally {
      await client.dispose();
    }
  }, 60_000);
});
