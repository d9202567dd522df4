/**
 * Whether the services a service depends on answer, for its /ready: the
 * supergraph is ready only while every subgraph's /ready answers 200. Checked
 * in the background every few seconds, so /ready itself answers at once.
 */
const CHECK_EVERY_MS = 2000;
const CHECK_TIMEOUT_MS = 1000;

export class HttpReadiness {
  private readonly state = new Map<string, boolean>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly urls: readonly string[]) {}

  /** Checks now, then keeps checking; resolves after the first round. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  get ready(): boolean {
    return this.urls.every((url) => this.state.get(url) === true);
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    await Promise.all(
      this.urls.map(async (url) => {
        const ok = await fetch(url, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) }).then(
          async (res) => {
            // Read the (tiny) body so the connection goes back to the pool.
            await res.arrayBuffer();
            return res.ok;
          },
          () => false,
        );
        this.state.set(url, ok);
      }),
    );
  }
}
