/**
 * INFERENCE_URL: where the inference replicas are, as one gRPC target.
 *
 * - One address (`host:port`, or any gRPC target such as `dns:///inference-headless:50051`)
 *   is used as it is: gRPC's DNS resolver finds every address the name has
 *   and the round-robin policy spreads calls over them.
 * - A comma-separated list (`127.0.0.1:50051,127.0.0.1:50052`, host names
 *   allowed) becomes one channel over every address of every entry, through
 *   the small resolver below: a replica that goes away drops out of the
 *   rotation while the others keep answering, and comes back when it returns
 *   (when its name resolves again, if its DNS record went away with it).
 */
import dns from 'node:dns';

import { experimental, status } from '@grpc/grpc-js';
import type { ChannelOptions, Metadata as MetadataType } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';

import { SettingValueError, custom, int } from '../config';

const LIST_SCHEME = 'infergraph-list';
const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;

interface HostPort {
  readonly host: string;
  readonly port: number;
}

function parseHostPort(entry: string): HostPort | undefined {
  const match = HOST_PORT.exec(entry);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** Validates an INFERENCE_URL value; throws SettingValueError saying what is allowed. */
export function parseInferenceUrl(raw: string): string {
  const entries = raw.split(',').map((e) => e.trim());
  if (entries.length === 1 && entries[0] !== '') return entries[0] ?? raw;
  const bad = entries.filter((e) => parseHostPort(e) === undefined);
  if (bad.length > 0) {
    throw new SettingValueError(
      `${bad.map((b) => JSON.stringify(b)).join(', ')} is not host:port; a list is comma-separated host:port entries, e.g. 127.0.0.1:50051,127.0.0.1:50052`,
    );
  }
  return entries.join(',');
}

/** The INFERENCE_URL setting, the same for every service that calls inference-grpc. */
export function inferenceUrlSetting(doc: string) {
  return custom(
    'INFERENCE_URL',
    '127.0.0.1:50051',
    '127.0.0.1:50051',
    `${doc} One host:port (a DNS name resolving to many replicas is balanced over all of them) or a comma-separated list of host:port, balanced round-robin; a replica that fails drops out until it answers again.`,
    'expected host:port or a comma-separated list of host:port',
    parseInferenceUrl,
  );
}

/** INFERENCE_RECONNECT_MAX_MS, the same for every service that calls inference-grpc. */
export function inferenceReconnectSetting() {
  return int(
    'INFERENCE_RECONNECT_MAX_MS',
    1000,
    "Longest wait between attempts to reconnect to an inference address that went away, so calls answer again soon after it is back (gRPC's own cap is 120 s).",
    { min: 100, max: 120_000 },
  );
}

/** INFERENCE_KEEPALIVE_MS, the same for every service that holds a WatchModels stream on inference-grpc. */
export function inferenceKeepaliveSetting() {
  return int(
    'INFERENCE_KEEPALIVE_MS',
    10_000,
    'How often a connection to inference-grpc with a call open is pinged (HTTP/2 PING); a ping unanswered within as long again drops the connection. This is what notices a WatchModels stream whose peer went silent without closing it (a dead network path, a stalled NAT): the copy of the registry then counts as stale after its bound instead of never. 0 sends no pings.',
    { min: 0, max: 600_000 },
  );
}

/** Channel options pinging a connection with a call open every `intervalMs` (INFERENCE_KEEPALIVE_MS); none for 0. */
export function keepaliveOptions(intervalMs: number): ChannelOptions {
  return intervalMs === 0 ? {} : { 'grpc.keepalive_time_ms': intervalMs, 'grpc.keepalive_timeout_ms': intervalMs };
}

/** Channel options capping gRPC's reconnect backoff at `maxMs` (INFERENCE_RECONNECT_MAX_MS). */
export function reconnectOptions(maxMs: number): ChannelOptions {
  return { 'grpc.initial_reconnect_backoff_ms': Math.min(maxMs, 1000), 'grpc.max_reconnect_backoff_ms': maxMs };
}

/** The gRPC channel target for a validated INFERENCE_URL. */
export function grpcTarget(inferenceUrl: string): string {
  if (!inferenceUrl.includes(',')) return inferenceUrl;
  registerListResolver();
  return `${LIST_SCHEME}:///${inferenceUrl}`;
}

/**
 * Re-resolution is asked for on every connection failure: at most once per
 * this interval. While an entry does not resolve (a replica's DNS record is
 * gone while it restarts), the list is resolved again this often by itself,
 * since an entry with no address has no connection whose failure would ask.
 */
const MIN_RESOLVE_INTERVAL_MS = 1000;

class HostListResolver implements experimental.Resolver {
  private readonly entries: HostPort[];
  private lastResolved = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending = false;
  /** Bumped by destroy(): lookups started before it are dropped. The channel may start it again (after idling). */
  private generation = 0;

  constructor(
    target: experimental.GrpcUri,
    private readonly listener: experimental.ResolverListener,
    _options: ChannelOptions,
  ) {
    this.entries = target.path
      .split(',')
      .map(parseHostPort)
      .filter((e): e is HostPort => e !== undefined);
  }

  updateResolution(): void {
    if (this.pending) return;
    this.pending = true;
    const generation = this.generation;
    const wait = Math.max(0, this.lastResolved + MIN_RESOLVE_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => void this.resolve(generation), wait);
    this.timer.unref();
  }

  destroy(): void {
    this.generation += 1;
    this.pending = false;
    clearTimeout(this.timer);
  }

  private async resolve(generation: number): Promise<void> {
    this.lastResolved = Date.now();
    const results = await Promise.allSettled(
      this.entries.map((e) => dns.promises.lookup(e.host, { all: true }).then((as) => as.map((a) => ({ host: a.address, port: e.port })))),
    );
    if (generation !== this.generation) return;
    this.pending = false;
    const addresses = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    let accepted: boolean;
    if (addresses.length === 0) {
      const reasons = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      const metadata: MetadataType = new Metadata();
      accepted = this.listener(
        experimental.statusOrFromError({
          code: status.UNAVAILABLE,
          details: `no inference address resolved: ${reasons.join('; ')}`,
          metadata,
        }),
        {},
        null,
        '',
      );
    } else {
      accepted = this.listener(experimental.statusOrFromValue(addresses.map((address) => ({ addresses: [address] }))), {}, null, '');
    }
    if (!accepted || results.some((r) => r.status === 'rejected')) this.updateResolution();
  }

  static getDefaultAuthority(target: experimental.GrpcUri): string {
    return target.path.split(',')[0] ?? target.path;
  }
}

let registered = false;

function registerListResolver(): void {
  if (registered) return;
  registered = true;
  experimental.registerResolver(LIST_SCHEME, HostListResolver);
}
