/** Waiting for a started service to be ready: its /ready, on METRICS_PORT, answers 200. */

const POLL_MS = 100;

/**
 * Resolves once http://127.0.0.1:<metricsPort>/ready answers 200; rejects, naming `label`, when
 * `exited` settles first (the process is gone) or `timeoutMs` passes.
 */
export async function waitReady(label: string, metricsPort: number, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline && !gone) {
    const ok = await fetch(`http://127.0.0.1:${metricsPort}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`${label} was not ready within ${timeoutMs} ms`);
}
