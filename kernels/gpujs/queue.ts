// Everything the backend does to its data runs through one queue, in program order, each job
// starting after the previous one settled — the way a GPU command queue orders work. Ops return
// at once (a kernel hands back storage that is a promise of its values), so without this order a
// `free` issued right after an op could release an input before the kernel that reads it ran.
// A failed job does not stop the queue: the jobs that read its result fail with its error.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  enqueue<T>(job: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    // The tail only orders; it also marks `result`'s rejection as handled, so a failure nobody
    // reads (a freed intermediate) is not an unhandled rejection that would end the process.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every job enqueued so far has settled. */
  async drain(): Promise<void> {
    await this.enqueue(() => undefined);
  }
}
