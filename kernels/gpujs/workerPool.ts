// One worker pool for every webasm kernel.
//
// gpu.js gives each webasm kernel its own pool of worker threads, one per core, created on the
// kernel's first threaded call. This backend compiles a kernel per op and shape, so a RoBERTa
// forward would start dozens of pools: measured here, 20 kernels made 40 threads and 350 MB of
// extra memory, against 2 threads and 30 MB with one shared pool. So every kernel gets a lease on
// one shared pool instead. Calls never overlap (the backend's queue runs one kernel at a time), so
// sharing is safe; a kernel's lease only tracks which compiled modules it put on the workers, so
// destroying that kernel releases them without stopping the threads.
//
// This reaches into gpu.js internals (the pool class is not exported; a kernel keeps its pool in
// `_pool`), pinned to gpu.js 2.24 and checked by the tests. Where the internals differ, kernels
// simply keep their own pools: slower to start, same results.

import { webasmWorkerPoolClass } from '../../platform/gpujsPackage.js';

interface PoolEntry {
  readonly id: number;
}

interface WorkerPool {
  readonly size: number;
  dispatch(entry: PoolEntry, tasks: unknown[]): Promise<void>;
  release(entryId: number): void;
  destroy(): void;
}

type WorkerPoolClass = new (size: number) => WorkerPool;

/** The compiled modules one kernel placed on the shared workers. */
class PoolLease {
  private readonly entries = new Set<number>();

  constructor(private readonly pool: WorkerPool) {}

  get size(): number {
    return this.pool.size;
  }

  dispatch(entry: PoolEntry, tasks: unknown[]): Promise<void> {
    this.entries.add(entry.id);
    return this.pool.dispatch(entry, tasks);
  }

  release(entryId: number): void {
    this.entries.delete(entryId);
    this.pool.release(entryId);
  }

  /** What the kernel calls when it is destroyed: drop its modules, keep the threads. */
  destroy(): void {
    for (const id of this.entries) this.pool.release(id);
    this.entries.clear();
  }
}

export class SharedWorkerPool {
  private readonly pool: WorkerPool | undefined;

  constructor(readonly size: number) {
    try {
      const WebAssemblyWorkerPool = webasmWorkerPoolClass() as WorkerPoolClass | undefined;
      this.pool = WebAssemblyWorkerPool && new WebAssemblyWorkerPool(size);
    } catch {
      this.pool = undefined;
    }
  }

  /** Gives a just-created webasm kernel a lease on the shared pool; false where gpu.js has no `_pool` slot. */
  lend(kernel: object): boolean {
    if (!this.pool || !('_pool' in kernel) || kernel._pool !== null) return false;
    (kernel as { _pool: unknown })._pool = new PoolLease(this.pool);
    return true;
  }

  /** Stops the worker threads. */
  destroy(): void {
    this.pool?.destroy();
  }
}
