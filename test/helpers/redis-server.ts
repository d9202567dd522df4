/**
 * A private redis-server for outage tests: they stop and restart it, which
 * must never happen to the shared Redis other tests use.
 *
 * It listens on a spare port on 127.0.0.1 and keeps nothing on disk. The test
 * MUST call `stop()` in afterAll (or a finally) so no server outlives it; as a
 * last resort every server still running is killed when the test process exits.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import os from 'node:os';

export interface PrivateRedis {
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Whether the server process is up (started and not stopped). */
  readonly running: boolean;
  /** Kills the server (SIGKILL) and resolves once it has exited. Does nothing when already stopped. */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGSTOP: connections stay open but nothing answers, as with a hung server. */
  freeze(): void;
  /** SIGCONT: answers again. */
  thaw(): void;
}

const READY_TIMEOUT_MS = 5000;
const liveServers = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of liveServers) child.kill('SIGKILL');
});

/** Starts redis-server on a spare port; resolves once it answers PING. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  let lastError: Error | undefined;
  // Another process may take the spare port between finding and binding it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await sparePort();
    try {
      return await privateRedisOn(port);
    } catch (err) {
      lastError = err as Error;
    }
  }
  throw lastError ?? new Error('redis-server did not start');
}

async function privateRedisOn(port: number): Promise<PrivateRedis> {
  let child: ChildProcess | undefined = await spawnRedis(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return child !== undefined;
    },
    stop: async () => {
      const stopping = child;
      child = undefined;
      if (stopping) await kill(stopping);
    },
    start: async () => {
      if (child) throw new Error(`private redis-server on port ${port} is already running; stop() it first`);
      child = await spawnRedis(port);
    },
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
  };
}

async function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', os.tmpdir(), '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  liveServers.add(child);
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      exitReason = err.message;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exitReason = `exited with ${signal ?? String(code)}`;
      resolve();
    });
  });
  void exited.then(() => liveServers.delete(child));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answersPing(port))) {
    if (exitReason !== undefined || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(
        `private redis-server on port ${port} did not answer PING (${exitReason ?? `not within ${READY_TIMEOUT_MS} ms`}): ${output.trim()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

/** A port nothing listens on right now. */
function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`no spare port: listen(0) gave ${JSON.stringify(address)}`))));
    });
  });
}

/** Whether something on `port` answers a RESP PING with +PONG within 200 ms. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(200, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/**
 * For a describe block: one private Redis for all its tests, running at the
 * start of each test (a test that failed half-way may have left it stopped),
 * stopped after the last. Returns a getter for it.
 */
export function usePrivateRedis(): () => PrivateRedis {
  let server: PrivateRedis | undefined;
  beforeAll(async () => {
    server = await startPrivateRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    if (server && !server.running) await server.start();
  });
  return () => {
    if (!server) throw new Error('the private Redis has not started: call usePrivateRedis() inside a describe block');
    return server;
  };
}
