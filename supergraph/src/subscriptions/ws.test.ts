import WebSocket from 'ws';

import { startStack, startSupergraphFor } from '../../../test/helpers/stack';
import type { Stack } from '../../../test/helpers/stack';
import type { Supergraph } from '../server';
import { wsClient } from '../../../stack/graphql-client';

const APP = 'https://app.example.com';
const API_KEY = 'reader-key-0123456789';
const MAX_PAYLOAD = 4096;

/** Opens a graphql-ws socket; answers the socket once upgraded, or the HTTP status of a refused upgrade. */
function upgrade(httpUrl: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

/** Sends one text frame of exactly `bytes` bytes as connection_init; answers the first message or the close code. */
async function connectionInit(httpUrl: string, bytes: number, params: Record<string, string> = {}): Promise<string> {
  const socket = await upgrade(httpUrl);
  if (typeof socket === 'number') throw new Error(`upgrade refused with ${socket}`);
  const shell = JSON.stringify({ type: 'connection_init', payload: { ...params, pad: '' } });
  const frame = JSON.stringify({ type: 'connection_init', payload: { ...params, pad: 'x'.repeat(bytes - shell.length) } });
  expect(Buffer.byteLength(frame)).toBe(bytes);
  return new Promise((resolve) => {
    socket.once('message', (data: Buffer) => {
      resolve(String((JSON.parse(data.toString()) as { type: unknown }).type));
      socket.close();
    });
    socket.once('close', (code) => resolve(`closed ${code}`));
    socket.send(frame);
  });
}

async function status(httpUrl: string, headers: Record<string, string>): Promise<number> {
  const socket = await upgrade(httpUrl, headers);
  if (typeof socket === 'number') return socket;
  socket.close();
  return 101;
}

describe('the supergraph WebSocket upgrade', () => {
  let stack: Stack;
  let secured: Supergraph;
  beforeAll(async () => {
    const env = { CORS_ORIGINS: APP, WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) };
    const subgraphEnv = { WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) };
    stack = await startStack({ supergraphEnv: env, predictionEnv: subgraphEnv, modelsEnv: subgraphEnv });
    secured = await startSupergraphFor(stack, { ...env, API_KEYS: `dashboard=${API_KEY}:reader` });
  });
  afterAll(async () => {
    await secured.close();
    await stack.close();
  });

  it.each([
    ['auth off', () => stack.supergraph],
    ['auth on', () => secured],
  ])('refuses a cross-site Origin with 403 and lets its own, CORS_ORIGINS and none through (%s)', async (_name, supergraph) => {
    const { url } = supergraph();
    const own = new URL(url).origin;
    expect(await status(url, { origin: 'https://evil.example.com' })).toBe(403);
    expect(await status(url, { origin: own.replace('127.0.0.1', 'localhost') })).toBe(403);
    expect(await status(url, { origin: 'null' })).toBe(403);
    expect(await status(url, { origin: own })).toBe(101);
    expect(await status(url, { origin: APP })).toBe(101);
    expect(await status(url, {})).toBe(101);
  });

  it('refuses an upgrade on any path but /graphql', async () => {
    expect(await status(stack.supergraph.url.replace(/\/graphql$/, '/elsewhere'), {})).toBe(400);
  });

  it('reads a message of WS_MAX_PAYLOAD_BYTES and closes the socket with 1009 on one byte more', async () => {
    // graphql-ws would print each refused frame's stack to stderr: a cheap way to flood the log.
    const printed = jest.spyOn(console, 'error');
    expect(await connectionInit(stack.supergraph.url, MAX_PAYLOAD)).toBe('connection_ack');
    expect(await connectionInit(stack.supergraph.url, MAX_PAYLOAD + 1)).toBe('closed 1009');
    expect(await connectionInit(secured.url, MAX_PAYLOAD, { apiKey: API_KEY })).toBe('connection_ack');
    expect(await connectionInit(secured.url, MAX_PAYLOAD + 1, { apiKey: API_KEY })).toBe('closed 1009');
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
  });

  it.each([
    ['prediction', () => stack.prediction.subgraph.url],
    ['models', () => stack.models.url],
  ])('holds the %s subgraph to the same: it reads at most its WS_MAX_PAYLOAD_BYTES', async (_name, url) => {
    expect(await connectionInit(url(), MAX_PAYLOAD)).toBe('connection_ack');
    expect(await connectionInit(url(), MAX_PAYLOAD + 1)).toBe('closed 1009');
  });

  it('spends a token of the address per failed connection_init, as HTTP does: 4403 while the bucket lasts, then 4429', async () => {
    // One token a minute: none comes back while the test runs, however slow the machine.
    const guarded = await startSupergraphFor(stack, {
      API_KEYS: `dashboard=${API_KEY}:reader`,
      RATE_LIMIT_PER_MINUTE: '1',
      RATE_LIMIT_BURST: '3',
    });
    try {
      const wrong = { apiKey: 'wrong-key-0123456789' };
      const outcomes = [];
      for (let i = 0; i < 4; i += 1) outcomes.push(await connectionInit(guarded.url, 200, wrong));
      expect(outcomes).toEqual(['closed 4403', 'closed 4403', 'closed 4403', 'closed 4429']);
      // The same bucket as HTTP: the address is refused there too, before its key is looked at.
      const res = await fetch(guarded.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': wrong.apiKey },
        body: '{"query":"{ __typename }"}',
      });
      expect(res.status).toBe(429);
      // A caller with a good key has a bucket of its own.
      expect(await connectionInit(guarded.url, 200, { apiKey: API_KEY })).toBe('connection_ack');
    } finally {
      await guarded.close();
    }
  });

  it("checks a subscribe message's tokens and nesting before parsing it: a deep one is QUERY_TOO_COMPLEX, not a stack overflow", async () => {
    // Default limits: 5 000 levels fit MAX_OPERATION_BYTES (16 KiB) and WS_MAX_PAYLOAD_BYTES, and overflow graphql-js's parser.
    const plain = await startSupergraphFor(stack);
    const client = wsClient(plain.url);
    try {
      const deep = `subscription{a${'{a'.repeat(5000)}${'}'.repeat(5001)}`;
      const outcome = await new Promise<string>((resolve) => {
        client.subscribe(
          { query: deep },
          {
            next: () => resolve('an event'),
            error: (e) =>
              resolve(
                Array.isArray(e)
                  ? String((e as { extensions?: { code?: unknown } }[])[0]?.extensions?.code)
                  : `closed ${String((e as { code?: unknown }).code)}`,
              ),
            complete: () => resolve('complete'),
          },
        );
      });
      expect(outcome).toBe('QUERY_TOO_COMPLEX');
    } finally {
      await client.dispose();
      await plain.close();
    }
  });
});
