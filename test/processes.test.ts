/** The four services as real processes, the way `npm start` and a deployment run them. */
import { graphql } from '../stack/graphql-client';
import { metricValue } from '../stack/prometheus';
import type { ServiceProcess } from '../stack/process';
import { SERVICES } from '../stack/topology';
import { until } from '../lib/until';
import { startProcessStack } from './helpers/process-stack';
import type { ProcessStack } from './helpers/process-stack';

/** Every non-comment line of Prometheus text exposition: name{labels} value. */
const SAMPLE = /^[a-zA-Z_:][\w:]*(\{([a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*\})? (-?[\d.e+-]+|NaN|\+Inf|-Inf)$/;

describe('the stack as processes', () => {
  let stack: ProcessStack;
  /** In start order: inference, prediction, models, supergraph. */
  let processes: ServiceProcess[] = [];
  let url = '';
  const ports: Record<string, number> = {};
  /** METRICS_PORT of each service, from its listening line. */
  const metricsPorts: Record<string, number> = {};

  beforeAll(async () => {
    const debug = { LOG_LEVEL: 'debug' };
    // Ready once every subgraph is: the prediction subgraph's model catalog has synced.
    stack = await startProcessStack({
      inference: { ...debug, NUMERIC_LATENCY_MS: '300' },
      prediction: debug,
      models: debug,
      supergraph: { ...debug, SHUTDOWN_GRACE_MS: '20000' },
    });
    processes = SERVICES.map((s) => stack.service(s.name));
    for (const { name } of SERVICES) {
      ports[name] = stack.ports(name).port;
      metricsPorts[name] = stack.ports(name).metricsPort;
    }
    url = stack.url;
  });
  afterAll(() => stack.close());

  it("logs a client's request id in all four services", async () => {
    const res = await graphql(
      url,
      'mutation Traced { predict(input: { model: "sentiment", text: "trace me", cache: BYPASS }) { label model { defaultVersion } } }',
      {},
      {
        'x-request-id': 'req-four-services',
      },
    );
    expect(res.errors).toBeUndefined();
    // Each service logs after it answers: wait for the four lines, with a deadline.
    const seenIn = (): boolean[] => processes.map((p) => p.lines.some((l) => String(l.requestId).split(',').includes('req-four-services')));
    await until(() => seenIn().every(Boolean), 'the request id in all four logs', 10_000).catch(() => undefined);
    expect(seenIn()).toEqual([true, true, true, true]);
  });

  it('serves /metrics in Prometheus text with the named series on every service, on its metrics port only', async () => {
    const expected: Record<string, string> = {
      inference: 'infergraph_inference_batch_size_bucket',
      prediction: 'infergraph_predictions_total',
      models: 'process_cpu_user_seconds_total',
      supergraph: 'infergraph_graphql_operations_total',
    };
    for (const [service, series] of Object.entries(expected)) {
      const text = await (await fetch(`http://127.0.0.1:${metricsPorts[service]}/metrics`)).text();
      const bad = text.split('\n').filter((line) => line !== '' && !line.startsWith('#') && !SAMPLE.test(line));
      expect({ service, bad }).toEqual({ service, bad: [] });
      expect(text).toContain(series);
    }
    for (const service of ['prediction', 'models', 'supergraph']) {
      expect({ service, status: (await fetch(`http://127.0.0.1:${ports[service]}/metrics`)).status }).toEqual({ service, status: 404 });
    }
  });

  it('on SIGTERM during 200 in-flight predictions, the supergraph answers every one and exits 0', async () => {
    const supergraph = processes[3] as ServiceProcess;
    // Open 200 keep-alive connections first: a connection still waiting in the kernel's backlog
    // when the server stops listening is reset, and that is not a request in flight.
    await Promise.all(Array.from({ length: 200 }, () => graphql(url, '{ models { name } }')));
    const dispatched = async (): Promise<number> =>
      metricValue(
        await (await fetch(`http://127.0.0.1:${metricsPorts.prediction}/metrics`)).text(),
        'infergraph_predict_queue_delay_seconds_count',
        {
          model: 'numeric',
          version: 'v1',
        },
      ) ?? 0;
    const before = await dispatched();
    const inFlight = Array.from({ length: 200 }, (_, i) =>
      graphql<{ predict: { classId: number } }>(
        url,
        `mutation { predict(input: { model: "numeric", features: [${i}], cache: BYPASS }) { classId } }`,
      ),
    );
    // SIGTERM once every request has reached the supergraph and gone on to inference-grpc,
    // whose four 300 ms batches keep most of them in flight for a second more.
    await until(async () => (await dispatched()) >= before + 200, 'every prediction dispatched to inference-grpc', 15_000);
    let answeredBefore = 0;
    for (const p of inFlight)
      void p.then(
        () => (answeredBefore += 1),
        () => undefined,
      );
    await new Promise((r) => setImmediate(r));
    const stillInFlight = 200 - answeredBefore;
    supergraph.child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    expect(stillInFlight).toBeGreaterThan(50);
    expect(answers.filter((a) => a.errors !== undefined || typeof a.data?.predict.classId !== 'number')).toEqual([]);
    expect(await supergraph.exited).toBe(0);
  });
});
