import { networkInterfaces } from 'node:os';

import { readConfig } from './config';
import { createMetricsRegistry, metricsSettings, startMetricsServer } from './metrics';

/** An IPv4 address of this machine that is not loopback, if it has one. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;
}

describe('the metrics port', () => {
  it('listens on loopback by default (METRICS_HOST), so /metrics is not reachable from another host', async () => {
    const config = readConfig({ METRICS_PORT: '0' }, metricsSettings(9999));
    expect(config.metricsHost).toBe('127.0.0.1');
    const endpoint = await startMetricsServer({
      host: config.metricsHost,
      port: config.metricsPort,
      registry: createMetricsRegistry('test'),
      isReady: () => true,
    });
    try {
      const res = await fetch(`http://127.0.0.1:${endpoint.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('process_cpu_user_seconds_total');
      const outside = outsideAddress();
      if (outside) await expect(fetch(`http://${outside}:${endpoint.port}/metrics`)).rejects.toThrow('fetch failed');
    } finally {
      await endpoint.close();
    }
  });
});
