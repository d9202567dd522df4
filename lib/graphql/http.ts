/**
 * A thin node:http adapter for Apollo Server (its standalone server hides the
 * http.Server that graphql-ws must share): reads the body, hands the request
 * to `executeHTTPGraphQLRequest`, writes the answer, streaming it when Apollo
 * answers in chunks.
 *
 * A service may turn a request away before Apollo Server sees it: `admit`
 * runs on the headers before the body is read, `checkQuery` on the operation
 * text before it is parsed. Whatever they refuse costs no parse, no
 * validation and no entry in Apollo's caches.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import { HeaderMap } from '@apollo/server';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';

import { int } from '../config';
import type { Setting } from '../config';

export class BodyTooLargeError extends Error {}

/** MAX_BODY_BYTES, one definition for every GraphQL service; each says what its bodies hold. */
export function maxBodyBytesSetting(doc: string): Setting<number> {
  return int('MAX_BODY_BYTES', 1_048_576, `${doc} Past it the answer is 413, the rest of the body unread.`, {
    min: 1024,
    max: 268_435_456,
  });
}

/** Why a request is turned away before Apollo Server sees it. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** More `extensions` of the error (the code is set from `code`). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface GraphQLHandlerOptions<C extends BaseContext> {
  readonly maxBodyBytes: number;
  context(req: IncomingMessage): Promise<C> | C;
  /** Runs on the headers, before the body is read; a refusal is answered and the body never read. */
  admit?(context: C): Promise<Refusal | undefined> | Refusal | undefined;
  /** Runs on the operation text (POST body or GET `query`), before Apollo Server parses it. */
  checkQuery?(query: string): Refusal | undefined;
  /** Runs on the raw body once read, before it is parsed. */
  readonly verify?: VerifyRequest;
  /** Runs on a POST that passed every check above, before Apollo Server sees it. */
  readonly shortcut?: Shortcut<C>;
}

/** A POST request as a shortcut sees it: checked, its body parsed. */
export interface ShortcutRequest<C> {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly context: C;
}

/** An answer given without Apollo Server, with status 200. */
export interface ShortcutAnswer {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * A way around Apollo Server for requests it has answered before (the supergraph's ./fast-path): the whole
 * answer; or the context Apollo Server is to run the request with; or undefined, to run it as it came.
 */
export interface Shortcut<C> {
  take(request: ShortcutRequest<C>): Promise<ShortcutAnswer | { readonly context: C } | undefined>;
  /** Told the content type of each 200 answer Apollo Server gave, and the Accept header it chose it for. */
  negotiated(accept: string | undefined, contentType: string): void;
}

/**
 * The body as text, read with listeners rather than `for await` over the request, whose async iterator cost a
 * promise and a stream wrapper per request (bench:gateway, profiled). As the iterator did, a body past `maxBytes`
 * or a failed read destroys the request, and a request closed before its end fails as a premature close.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (err?: Error): void => {
      req.off('data', onData).off('end', onEnd).off('error', settle).off('close', onClose);
      if (err === undefined) resolve(Buffer.concat(chunks).toString('utf8'));
      else {
        req.destroy();
        reject(err);
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) settle(new BodyTooLargeError(`request body is larger than ${maxBytes} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle();
    const onClose = (): void => settle(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    req.on('data', onData).on('end', onEnd).on('error', settle).on('close', onClose);
  });
}

function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', ...refusal.headers });
  res.end(JSON.stringify({ errors: [{ message: refusal.message, extensions: { ...refusal.extensions, code: refusal.code } }] }));
}

/** How long a refused request's connection goes on reading, and dropping, what its client still sends. */
const LINGER_MS = 2000;

/**
 * Answers a request whose body is not read to its end. The rest of the body is still on its
 * way: a client that reused this connection would wait behind it, so the connection closes.
 */
function refuseUnread(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  if (!req.complete) {
    res.shouldKeepAlive = false;
    lingerBeforeClosing(req.socket);
  }
  sendRefusal(res, refusal);
}

/**
 * A lingering close, as nginx and Apache make one. Node destroys the socket as soon as the answer
 * is written, while the client may still be sending its body; a socket closed with data unread
 * makes the kernel answer RST, and the client loses the answer it has not read yet ("fetch
 * failed" instead of 413). So once the answer is out (FIN), the socket goes on reading and
 * dropping until the client closes its side, for at most LINGER_MS.
 */
function lingerBeforeClosing(socket: Socket): void {
  socket.destroySoon = () => {
    socket.end();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    socket.once('end', () => socket.destroy());
    socket.once('close', () => clearTimeout(timer));
  };
}

function tooLarge(maxBytes: number): Refusal {
  return { status: 413, code: ApolloServerErrorCode.BAD_REQUEST, message: `request body is larger than ${maxBytes} bytes` };
}

/** The operation text of a request, where it has one as a string. */
function queryOf(method: string, search: URLSearchParams, body: unknown): string | undefined {
  const query =
    method === 'GET' ? search.get('query') : typeof body === 'object' && body !== null ? (body as { query?: unknown }).query : undefined;
  return typeof query === 'string' ? query : undefined;
}

/** Why `verify` refuses a request: answered with this status and code, the body never parsed. */
export interface VerifyRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** Checks a request on its raw body, before it is parsed (e.g. a subgraph's signature check). */
export type VerifyRequest = (req: IncomingMessage, rawBody: string) => Promise<VerifyRefusal | undefined>;

/** Errors of a request GraphQL could not run: it does not parse, does not validate, or its variables do not coerce. */
const REQUEST_ERROR_CODES: ReadonlySet<unknown> = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/**
 * The status of an answer. GraphQL over HTTP: a well-formed request answered as
 * `application/json` gets 200 even when it fails to parse, validate or coerce its
 * variables, since a client of that media type may not read a 4xx body; answered as
 * `application/graphql-response+json`, it keeps the 400 Apollo Server gives it.
 */
function statusOf(status: number, contentType: string | undefined, body: string): number {
  if (status !== 400 || !contentType?.startsWith('application/json')) return status;
  let errors: unknown;
  try {
    ({ errors } = JSON.parse(body) as { errors?: unknown });
  } catch {
    return status;
  }
  const requestErrors =
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => REQUEST_ERROR_CODES.has((e as { extensions?: { code?: unknown } }).extensions?.code));
  return requestErrors ? 200 : status;
}

export function graphqlHandler<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: GraphQLHandlerOptions<C>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const declared = Number(req.headers['content-length']);
    if (declared > options.maxBodyBytes) {
      refuseUnread(req, res, tooLarge(options.maxBodyBytes));
      return;
    }
    const context = await options.context(req);
    const notAdmitted = await options.admit?.(context);
    if (notAdmitted) {
      refuseUnread(req, res, notAdmitted);
      return;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let text: string;
    try {
      text = await readBody(req, options.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) refuseUnread(req, res, tooLarge(options.maxBodyBytes));
      else
        sendRefusal(res, {
          status: 400,
          code: ApolloServerErrorCode.BAD_REQUEST,
          message: `request body could not be read: ${err instanceof Error ? err.message : String(err)}`,
        });
      return;
    }
    const refused = await options.verify?.(req, text);
    if (refused) {
      sendRefusal(res, refused);
      return;
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : headers.get('content-type')?.includes('json') ? (JSON.parse(text) as unknown) : text;
    } catch (err) {
      sendRefusal(res, {
        status: 400,
        code: ApolloServerErrorCode.BAD_REQUEST,
        message: `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const query = queryOf(method, url.searchParams, body);
    const badQuery = query === undefined ? undefined : options.checkQuery?.(query);
    if (badQuery) {
      sendRefusal(res, badQuery);
      return;
    }
    let apolloContext: C = context;
    if (options.shortcut && method === 'POST') {
      const taken = await options.shortcut.take({ headers: req.headers, body, context });
      if (taken && 'body' in taken) {
        // Headers set, not written: end() then sends Content-Length, as for Apollo's answers, instead of chunking.
        for (const [name, value] of Object.entries(taken.headers)) res.setHeader(name, value);
        res.end(taken.body);
        return;
      }
      if (taken) apolloContext = taken.context;
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body },
      context: () => Promise.resolve(apolloContext),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    const contentType = response.headers.get('content-type');
    if ((response.status ?? 200) === 200 && contentType !== undefined) options.shortcut?.negotiated(req.headers.accept, contentType);
    if (response.body.kind === 'complete') {
      res.statusCode = statusOf(response.status ?? 200, contentType, response.body.string);
      res.end(response.body.string);
      return;
    }
    res.statusCode = response.status ?? 200;
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
