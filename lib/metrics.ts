/**
 * Prometheus metrics and the small HTTP server exposing /metrics, /health and
 * /ready on a port of its own (METRICS_PORT), loopback unless METRICS_HOST
 * says otherwise: what the metrics say about the models and the callers is
 * not for the public API port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { Registry, collectDefaultMetrics } from 'prom-client';

import { int, str } from './config';

/** METRICS_HOST and METRICS_PORT, what every service reads, each with its own default port. */
export function metricsSettings(defaultPort: number) {
  return {
    metricsHost: str(
      'METRICS_HOST',
      '127.0.0.1',
      'Interface of the metrics port (/metrics, /health, /ready): loopback by default; 0.0.0.0 where a scraper or probe on another host must reach it.',
    ),
    metricsPort: int(
      'METRICS_PORT',
      defaultPort,
      'HTTP port of /metrics, /health and /ready, apart from the API port (0 picks a free port).',
      {
        min: 0,
        max: 65535,
      },
    ),
  };
}

export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Exponential buckets for batch sizes: 1, 2, 4, ... up to `max`. */
export function batchSizeBuckets(max: number): number[] {
  const buckets: number[] = [];
  for (let b = 1; b < max; b *= 2) buckets.push(b);
  buckets.push(max);
  return buckets;
}

export interface HttpEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves GET /metrics (Prometheus text), /health (the process is alive) and
 * /ready (200 only while `isReady()` says the service can take traffic).
 */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  registry: Registry;
  isReady: () => boolean;
}): Promise<HttpEndpoint> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (url === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    } else if (url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (url === '/ready') {
      const ready = options.isReady();
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ready' : 'not ready' }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
