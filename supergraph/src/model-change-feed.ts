/**
 * What keeps the response cache (./response-cache.ts) honest: one graphql-ws
 * subscription to the models subgraph's `modelChanged { name }`, the changes of
 * the very copy of the registry that answers the models subgraph's reads. The
 * supergraph talks only to subgraphs: it holds no model-server token and needs
 * no route to inference-grpc. The subscribe message is signed (SUBGRAPH_SECRET)
 * for the supergraph's own identity, a reader, like every upstream subscription
 * of the bridge; unsigned when the secret is empty.
 *
 * `open` turns true when the socket is acknowledged and false when the
 * subscription ends however it ends (the socket closed, the subscribe refused,
 * the models subgraph's copy went stale and said so): changes are known only in
 * between. Each attempt signs afresh (a signed message cannot be sent twice), on
 * a new socket, after a capped backoff, reset once a subscription has stayed
 * open RECONNECT_MAX_MS (a socket acknowledged and then refused, as while the
 * models subgraph's copy is stale, backs off like one that never connected).
 */
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';

import type { Identity } from '../../lib/auth';
import type { Logger } from '../../lib/logger';
import { encodeIdentity, signSubscription } from '../../lib/signing/message-signature';
import { describeUpstreamError } from './subscriptions/bridge';
import { disposeClient } from './ws-dispose';

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

/** Who the supergraph is when it asks for registry changes itself: no caller's, a reader's. */
const SUPERGRAPH_IDENTITY: Identity = { subject: 'supergraph', roles: ['reader'] };

const MESSAGE = { query: 'subscription ResponseCacheInvalidation { modelChanged { name } }' } as const;

export interface ModelChangeFeedOptions {
  /** The models subgraph's graphql-ws URL (ws://.../graphql). */
  readonly url: string;
  /** SUBGRAPH_SECRET; empty sends the subscribe message unsigned. */
  readonly secret: string;
  /** RESPONSE_CACHE_KEEPALIVE_MS: the socket is pinged this often, and closed when a pong is that late. */
  readonly keepaliveMs: number;
  readonly logger: Logger;
  /** The subscription is open: every change from now on is told to `changed`. */
  opened(): void;
  /** A model changed. */
  changed(): void;
  /** The subscription ended: changes go untold until `opened` again. */
  closed(): void;
}

export class ModelChangeFeed {
  private client: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delayMs = RECONNECT_MIN_MS;
  private disposed = false;
  private isOpen = false;

  constructor(private readonly options: ModelChangeFeedOptions) {}

  /** True while the subscription is acknowledged and has not ended. */
  get open(): boolean {
    return this.isOpen;
  }

  start(): void {
    this.attempt();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.timer);
    this.isOpen = false;
    if (this.client) await disposeClient(this.client);
  }

  private attempt(): void {
    this.connect().catch((err: unknown) => {
      this.options.logger.error({ err, retryInMs: this.delayMs }, 'the modelChanged subscription could not start; trying again');
      this.retryLater();
    });
  }

  /** The next attempt, after the current backoff, which doubles up to RECONNECT_MAX_MS. */
  private retryLater(): void {
    if (this.disposed) return;
    this.timer = setTimeout(() => this.attempt(), this.delayMs);
    this.timer.unref();
    this.delayMs = Math.min(this.delayMs * 2, RECONNECT_MAX_MS);
  }

  private async connect(): Promise<void> {
    const { url, secret, logger } = this.options;
    const extensions = secret ? await signSubscription(url, MESSAGE, encodeIdentity(SUPERGRAPH_IDENTITY), secret) : {};
    if (this.disposed) return;
    let ended = false;
    let openedAt: number | undefined;
    let socket: WebSocket | undefined;
    let pongDue: NodeJS.Timeout | undefined;
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
      keepAlive: this.options.keepaliveMs,
      on: {
        connected: (connected) => {
          socket = connected as WebSocket;
          if (ended || this.disposed) return;
          this.isOpen = true;
          openedAt = performance.now();
          this.options.opened();
        },
        // graphql-ws sends the pings; an unanswered one closes the socket here, which ends the subscription.
        ping: (received) => {
          if (received) return;
          clearTimeout(pongDue);
          pongDue = setTimeout(() => socket?.terminate(), this.options.keepaliveMs);
          pongDue.unref();
        },
        pong: (received) => {
          if (received) clearTimeout(pongDue);
        },
        closed: () => clearTimeout(pongDue),
      },
    });
    this.client = client;
    const end = (why: string): void => {
      if (ended) return;
      ended = true;
      this.isOpen = false;
      if (openedAt !== undefined && performance.now() - openedAt >= RECONNECT_MAX_MS) this.delayMs = RECONNECT_MIN_MS;
      this.options.closed();
      void disposeClient(client);
      if (this.disposed) return;
      logger.warn({ reason: why, retryInMs: this.delayMs }, 'the response cache lost its modelChanged subscription; reconnecting');
      this.retryLater();
    };
    client.subscribe(
      { ...MESSAGE, extensions },
      {
        // An event with errors is the last one (the models subgraph's copy went stale): the subscription is over.
        next: (result) => (result.errors ? end(describeUpstreamError(result.errors)) : this.options.changed()),
        error: (err: unknown) => end(describeUpstreamError(err)),
        complete: () => end('the models subgraph ended the subscription'),
      },
    );
  }
}
