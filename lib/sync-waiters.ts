/**
 * The callers of a catalog's `whenSynced()`, shared by every catalog (lib/grpc/registry-watch.ts, the
 * prediction subgraph's OIP metadata catalog): each resolves once the catalog is synced, and
 * every one still waiting rejects when the catalog is disposed, so no caller
 * waits forever on a catalog that will never sync.
 */
export class SyncWaiters {
  private readonly waiting = new Set<{ resolve: () => void; reject: (err: Error) => void }>();
  private disposed = false;

  /** `what` names the catalog in the rejection's message. */
  constructor(
    private readonly isSynced: () => boolean,
    private readonly what: string,
  ) {}

  /** Resolves once the catalog is synced (at once if it already is); rejects once it is disposed. */
  wait(): Promise<void> {
    if (this.disposed) return Promise.reject(this.closedError());
    if (this.isSynced()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiting.add({ resolve, reject }));
  }

  /** To be called after every change that may have synced the catalog. */
  check(): void {
    if (!this.isSynced()) return;
    for (const waiter of this.waiting) waiter.resolve();
    this.waiting.clear();
  }

  dispose(): void {
    this.disposed = true;
    for (const waiter of this.waiting) waiter.reject(this.closedError());
    this.waiting.clear();
  }

  private closedError(): Error {
    return new Error(`${this.what} was closed before it synced`);
  }
}
