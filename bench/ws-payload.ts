/**
 * `npm run bench:ws-payload`: what oversized graphql-ws frames cost the
 * supergraph. Four clients at once each send one 90 MiB connection_init, the
 * attack issue 15 reproduced, against a stack of real processes with the
 * default WS_MAX_PAYLOAD_BYTES and again with ws's own 100 MiB limit (what the
 * supergraph had before it had the setting). Prints the supergraph's RSS
 * before and after, its peak, and the slowest /health answer during the attack
 * (event-loop stall). Writes bench/results/ws-payload.{json,md}.
 *
 *   npm run bench:ws-payload -- [--clients 4] [--frame-mib 90]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';

import { parseLoadArgs } from './load';
import { machine, writeResults } from './report';
import { withBenchStack } from './stack';

const args = parseLoadArgs({ clients: '4', 'frame-mib': '90' });
const clients = Number(args.extra.clients);
const frameBytes = Number(args.extra['frame-mib']) * 1024 * 1024;
/** ws's own default maxPayload, which the supergraph used before WS_MAX_PAYLOAD_BYTES. */
const WS_DEFAULT_MAX_PAYLOAD = String(100 * 1024 * 1024);

interface Run {
  readonly maxPayloadBytes: number;
  readonly rssBeforeMiB: number;
  readonly rssAfterMiB: number;
  readonly peakRssMiB: number;
  readonly slowestHealthMs: number;
  /** How the server answered each client: a close code, or the type of its first message. */
  readonly outcomes: readonly string[];
  readonly attackMs: number;
}

/** One field of /proc/<pid>/status, in MiB (Linux). */
function procStatusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  const kib = Number(/(\d+)\s*kB/.exec(line ?? '')?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no ${field} for pid ${pid}`);
  return kib / 1024;
}

/** A JSON connection_init text message of exactly `bytes` bytes. */
function oversizedInit(bytes: number): Buffer {
  const shell = Buffer.from('{"type":"connection_init","payload":{"pad":""}}');
  const message = Buffer.alloc(bytes, 'x');
  shell.subarray(0, shell.length - 3).copy(message, 0);
  shell.subarray(shell.length - 3).copy(message, bytes - 3);
  return message;
}

/**
 * The head of a masked text frame of `length` bytes with the all-zero mask key, so the
 * message goes on the wire as it is: a ws client would spend seconds of this process's
 * CPU masking 90 MiB, and the /health times would measure the bench, not the supergraph.
 */
function frameHead(length: number): Buffer {
  const head = Buffer.alloc(14);
  head[0] = 0x81; // FIN, text
  head[1] = 0x80 | 127; // masked, 64-bit length
  head.writeBigUInt64BE(BigInt(length), 2);
  return head; // bytes 10-13: mask key 0
}

/** What the server's first frame says: a close code, or the type of its first message. */
function firstFrame(data: Buffer): string {
  const opcode = (data[0] ?? 0) & 0x0f;
  const length = (data[1] ?? 0) & 0x7f;
  const offset = length === 126 ? 4 : length === 127 ? 10 : 2;
  if (opcode === 0x8) return `closed ${data.length >= offset + 2 ? data.readUInt16BE(offset) : 1005}`;
  return String((JSON.parse(data.subarray(offset).toString()) as { type: unknown }).type);
}

/** Upgrades a raw socket and sends `message` as the first frame; resolves with how the server answered. */
function attack(url: string, message: Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let upgraded = false;
    let outcome = 'no answer';
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      socket.write(
        `GET /graphql HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = received.subarray(0, end).toString().split(' ')[1];
        if (status !== '101') {
          outcome = `upgrade refused ${status}`;
          socket.destroy();
          return;
        }
        upgraded = true;
        received = received.subarray(end + 4);
        socket.write(frameHead(message.length));
        socket.write(message);
      }
      if (upgraded && received.length >= 2 && outcome === 'no answer') {
        outcome = firstFrame(received);
        socket.destroy();
      }
    });
    socket.once('close', () => resolve(outcome));
  });
}

/** Asks /health every 20 ms until `done` settles; answers the slowest answer's time. */
async function slowestHealth(healthUrl: string, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let slowest = 0;
  while (!finished) {
    const started = performance.now();
    await fetch(healthUrl);
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  return slowest;
}

function measure(maxPayload: string): Promise<Run> {
  return withBenchStack({ WS_MAX_PAYLOAD_BYTES: maxPayload }, async (stack) => {
    const pid = stack.cluster.pid('supergraph');
    const message = oversizedInit(frameBytes);
    const rssBeforeMiB = procStatusMiB(pid, 'VmRSS');
    const started = performance.now();
    const attacks = Promise.all(Array.from({ length: clients }, () => attack(stack.gateway, message)));
    const [outcomes, slowestHealthMs] = await Promise.all([
      attacks,
      slowestHealth(stack.gateway.replace(/\/graphql$/, '/health'), attacks),
    ]);
    const run: Run = {
      maxPayloadBytes: Number(maxPayload),
      rssBeforeMiB,
      rssAfterMiB: procStatusMiB(pid, 'VmRSS'),
      peakRssMiB: procStatusMiB(pid, 'VmHWM'),
      slowestHealthMs,
      outcomes,
      attackMs: performance.now() - started,
    };
    console.log(
      `  WS_MAX_PAYLOAD_BYTES=${maxPayload}: RSS ${run.rssBeforeMiB.toFixed(0)} -> ${run.rssAfterMiB.toFixed(0)} MiB (peak ${run.peakRssMiB.toFixed(0)}), slowest /health ${run.slowestHealthMs.toFixed(0)} ms, sockets: ${outcomes.join(', ')}`,
    );
    return run;
  });
}

async function main(): Promise<void> {
  console.log(`${clients} clients at once, each sending one ${args.extra['frame-mib']} MiB connection_init to the supergraph`);
  const limited = await measure('65536');
  const unlimited = await measure(WS_DEFAULT_MAX_PAYLOAD);
  const summary = { date: new Date().toISOString(), machine: machine(), clients, frameBytes, runs: { limited, unlimited } };
  const row = (name: string, r: Run): string =>
    `| ${name} | ${r.rssBeforeMiB.toFixed(0)} | ${r.rssAfterMiB.toFixed(0)} | ${r.peakRssMiB.toFixed(0)} | ${r.slowestHealthMs.toFixed(0)} | ${r.attackMs.toFixed(0)} | ${r.outcomes.join(', ')} |`;
  writeResults(args.resultsDir, 'ws-payload', summary, [
    `# Oversized graphql-ws frames against the supergraph (${summary.date})`,
    '',
    `${clients} clients at once, each opening a socket and sending one ${args.extra['frame-mib']} MiB \`connection_init\`; the supergraph's RSS (/proc VmRSS) before and after, its peak (VmHWM), the slowest /health answer while it lasted; one stack of real processes (\`npm start -- --built\`) per setting; ${summary.machine}; \`npm run bench:ws-payload\`.`,
    '',
    '| WS_MAX_PAYLOAD_BYTES | RSS before MiB | RSS after MiB | peak RSS MiB | slowest /health ms | attack ms | sockets |',
    '|---|---|---|---|---|---|---|',
    row('65536 (default)', limited),
    row(`${WS_DEFAULT_MAX_PAYLOAD} (ws default, as before)`, unlimited),
  ]);
}

void main();
