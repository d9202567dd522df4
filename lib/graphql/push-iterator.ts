/**
 * An async iterator fed by pushes, for GraphQL subscriptions. Unlike an
 * `async function*`, its `return()` runs the cleanup at once instead of
 * waiting for the next value, so closing a subscription closes its source
 * immediately. The buffer is bounded: past `maxBuffer` unread values the
 * oldest are dropped instead of growing without bound.
 */
/** Events a subscriber has not read yet, kept before the oldest are dropped: the same bound for every subscription. */
export const SUBSCRIBER_BUFFER = 1000;

export class PushIterator<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly readers: ((result: IteratorResult<T>) => void)[] = [];
  private done = false;
  /** Ended by its source: what is buffered is still read, nothing more is taken. */
  private draining = false;

  constructor(
    private readonly maxBuffer: number,
    private readonly onClose: () => void,
  ) {}

  push(value: T): void {
    if (this.done || this.draining) return;
    const reader = this.readers.shift();
    if (reader) {
      reader({ value, done: false });
      return;
    }
    this.buffer.push(value);
    if (this.buffer.length > this.maxBuffer) this.buffer.shift();
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.buffer.shift();
    if (value !== undefined) {
      if (this.draining && this.buffer.length === 0) this.close();
      return Promise.resolve({ value, done: false });
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.readers.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.close();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  /** The source ended: the values pushed so far are still read, then the stream ends as by `close`. */
  end(): void {
    if (this.buffer.length === 0) this.close();
    else this.draining = true;
  }

  /** Ends the stream: pending and later reads finish; the source is released once. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.buffer.length = 0;
    for (const reader of this.readers.splice(0)) reader({ value: undefined, done: true });
    this.onClose();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
