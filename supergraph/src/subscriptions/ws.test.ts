import WebSocket from 'ws';

import { createLogger } from '../../../lib/logger';
import { startStack } from '../../../test/helpers/stack';
import type { Stack } from '../../../test/helpers/stack';
import { loadSupergraphConfig } from '../config';
import { startSupergraph } from '../server';
import type { Supergraph } from '../server';

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
    stack = await startStack({ supergraphEnv: env, predictionEnv: { WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) } });
    secured = await startSupergraph(
      loadSupergraphConfig({ ...env, HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', PREDICTION_URL: stack.prediction.subgraph.url, MODELS_URL: stack.models.url, API_KEYS: `dashboard=${API_KEY}:reader` }),
      createLogger('supergraph', 'silent'),
    );
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

  it('holds the subgraphs to the same: the prediction subgraph reads at most WS_MAX_PAYLOAD_BYTES, the models subgraph takes no WebSocket', async () => {
    expect(await connectionInit(stack.prediction.subgraph.url, MAX_PAYLOAD)).toBe('connection_ack');
    expect(await connectionInit(stack.prediction.subgraph.url, MAX_PAYLOAD + 1)).toBe('closed 1009');
    expect(await status(stack.models.url, {})).toBe(404);
  });
});
