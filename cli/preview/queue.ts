/**
 * An unbounded async queue: one side pushes (the program runner, as resources register), any
 * number of consumers pull concurrently (the analyze workers). `close()` ends the iteration once
 * the queue drains; `fail()` makes every pending and later pull reject with that error.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private head = 0;
  private readonly waiting: { resolve: (r: IteratorResult<T>) => void; reject: (err: unknown) => void }[] = [];
  private closed = false;
  private failure: { error: unknown } | undefined;

  push(...items: T[]): void {
    if (this.closed) throw new Error("AsyncQueue: push after close");
    for (const item of items) {
      const waiter = this.waiting.shift();
      if (waiter) waiter.resolve({ value: item, done: false });
      else this.items.push(item);
    }
  }

  close(): void {
    this.closed = true;
    if (this.head < this.items.length) return;
    for (const waiter of this.waiting.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  fail(error: unknown): void {
    this.closed = true;
    this.failure = { error };
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.head < this.items.length) {
      const value = this.items[this.head];
      this.items[this.head++] = undefined as T; // let it be collected
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
