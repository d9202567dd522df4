/**
 * Full garbage collections in a service process, through the V8 inspector, so
 * that a heap measured afterwards holds live objects only. The process must
 * run with NODE_OPTIONS=--inspect=127.0.0.1:0 (INSPECT_ENV); it prints the
 * inspector's address on stderr.
 */
import WebSocket from 'ws';

export const INSPECT_ENV = { NODE_OPTIONS: '--inspect=127.0.0.1:0' };

const TIMEOUT_MS = 10_000;

/** Runs HeapProfiler.collectGarbage in the process whose stderr is `stderr`. */
export async function collectGarbage(stderr: string): Promise<void> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
  if (!url)
    throw new Error(`no inspector address in the process's stderr (start it with ${INSPECT_ENV.NODE_OPTIONS}): ${stderr.slice(0, 500)}`);
  const socket = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the inspector at ${url} did not collect garbage within ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      );
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
      socket.on('message', (data: Buffer) => {
        if ((JSON.parse(data.toString()) as { id?: number }).id !== 1) return;
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    socket.close();
  }
}
