/**
 * How the fuzz test (fuzz.test.ts) judges an answer: a GraphQL response whose
 * errors carry an accepted code, or a protocol-level rejection (HTTP 4xx, a
 * graphql-ws close code), never a 5xx or a hang.
 */
import WebSocket from 'ws';

import { ERROR_CODES } from '../../lib/errors';

/** An answer later than this is a hang. */
const ANSWER_BOUND_MS = 5000;

/**
 * Codes a GraphQL error may carry: InferGraph's registry (lib/errors.ts),
 * and the protocol-level rejections Apollo Server answers before any
 * resolver runs, which a client can act on as such:
 * - GRAPHQL_PARSE_FAILED: the document is not GraphQL;
 * - GRAPHQL_VALIDATION_FAILED: it does not fit the schema (unknown fields, fragment cycles, wrong variable types...);
 * - BAD_REQUEST: the HTTP request is not a GraphQL request (no query, bad JSON, body too large, wrong method);
 * - PERSISTED_QUERY_NOT_FOUND: an automatic persisted query hash the server does not know;
 * - OPERATION_RESOLUTION_FAILURE: operationName names no operation of the document, or several need a name.
 * Not accepted: INTERNAL_SERVER_ERROR and anything unknown.
 */
const ACCEPTED_CODES = new Set([
  ...Object.keys(ERROR_CODES),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * graphql-ws close codes for a client at fault (4400 bad message, 4401/4403
 * auth, 4406 subprotocol, 4408 no connection_init, 4409 duplicate id, 4429 too
 * many connection_init) and the WebSocket protocol's own (1000 normal, 1002
 * protocol error, 1007 invalid UTF-8, 1009 too big). 4500 (internal error) is not one.
 */
const ACCEPTED_CLOSE_CODES = new Set([1000, 1002, 1007, 1009, 4400, 4401, 4403, 4406, 4408, 4409, 4429]);
/**
 * The one 4500 accepted: graphql-ws 6 closes with it, not 4400, when a client
 * sends a message type only servers send (`next`, `error`). The library
 * decides that before any code of ours runs; nothing failed.
 */
const SERVER_ONLY_MESSAGE = /^Unexpected message of type (next|error) received$/;

export const GRAPHQL_WS_PROTOCOL = 'graphql-transport-ws';

export interface Answered {
  readonly status: number;
  readonly text: string;
}

/** Why an HTTP answer is not acceptable, or undefined when it is. */
export function problemWith(answer: Answered, mustBeGraphQL: boolean): string | undefined {
  if (answer.status >= 500) return `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
  let body: { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    // A rejection before GraphQL (e.g. Apollo's CSRF prevention answers 400 in plain text) is protocol-level.
    return mustBeGraphQL || answer.status < 400
      ? `HTTP ${answer.status} with a body that is not JSON: ${answer.text.slice(0, 300)}`
      : undefined;
  }
  if (body.errors === undefined) return body.data === undefined ? `neither data nor errors: ${answer.text.slice(0, 300)}` : undefined;
  const bad = body.errors.map((e) => e.extensions?.code).filter((code) => typeof code !== 'string' || !ACCEPTED_CODES.has(code));
  return bad.length > 0 ? `codes ${JSON.stringify(bad)} in ${answer.text.slice(0, 500)}` : undefined;
}

export async function send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Answered> {
  const started = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ANSWER_BOUND_MS) });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    // fast-check reports the cause of an Error only: say which request and how long it took.
    throw new Error(`no answer after ${Date.now() - started} ms (${String(err)}) to ${init.method} ${(init.body ?? '').slice(0, 200)}`);
  }
}

/** Opens a graphql-ws socket, sends `message` after connection_init, then a ping; resolves with what happened. */
export function wsExchange(url: string, protocol: string, message: string | Buffer): Promise<string | undefined> {
  return new Promise((resolve) => {
    // The ws client aborts a handshake whose subprotocol it did not ask for: a wrong one goes as a
    // bare header, so that the server's answer to it (close 4406) is what the test sees.
    const socket =
      protocol === GRAPHQL_WS_PROTOCOL
        ? new WebSocket(url.replace(/^http/, 'ws'), protocol)
        : new WebSocket(url.replace(/^http/, 'ws'), { headers: protocol ? { 'sec-websocket-protocol': protocol } : {} });
    const timer = setTimeout(() => {
      socket.terminate();
      resolve(`no close and no pong within ${ANSWER_BOUND_MS} ms`);
    }, ANSWER_BOUND_MS);
    const done = (problem: string | undefined): void => {
      clearTimeout(timer);
      socket.terminate();
      resolve(problem);
    };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data: Buffer) => {
      let parsed: { type?: string; payload?: unknown };
      try {
        parsed = JSON.parse(data.toString()) as typeof parsed;
      } catch {
        done(`a message that is not JSON: ${data.toString().slice(0, 200)}`);
        return;
      }
      if (parsed.type === 'connection_ack') {
        socket.send(message);
        socket.send(JSON.stringify({ type: 'ping' }));
      } else if (parsed.type === 'pong') {
        done(undefined);
      } else if (parsed.type === 'error' || parsed.type === 'next') {
        const errors = (parsed.type === 'error' ? parsed.payload : (parsed.payload as { errors?: unknown }).errors) as
          { extensions?: { code?: unknown } }[] | undefined;
        const bad = (errors ?? []).map((e) => e.extensions?.code).filter((code) => typeof code !== 'string' || !ACCEPTED_CODES.has(code));
        if (bad.length > 0) done(`graphql-ws ${parsed.type} with codes ${JSON.stringify(bad)}: ${data.toString().slice(0, 300)}`);
      }
    });
    socket.on('close', (code, reason) =>
      done(
        ACCEPTED_CLOSE_CODES.has(code) || (code === 4500 && SERVER_ONLY_MESSAGE.test(reason.toString()))
          ? undefined
          : `closed with ${code} ${reason.toString()}`,
      ),
    );
    socket.on('unexpected-response', (_req, res) =>
      done(res.statusCode !== undefined && res.statusCode < 500 ? undefined : `handshake answered HTTP ${res.statusCode}`),
    );
    socket.on('error', () => undefined);
  });
}
