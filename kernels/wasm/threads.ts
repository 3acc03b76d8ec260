// A pool of worker threads over one shared WebAssembly.Memory. The main thread is thread 0 and
// works on every job too; workers 1..T−1 run the same kernel export on the chunks of work items
// they claim. Synchronisation is Atomics on the control block (control.ts): the main thread
// writes the job, bumps GENERATION and notifies; every thread claims chunks until none are left;
// each worker then increments DONE and notifies; the main thread waits until DONE counts every
// worker.
//
// Waiting on the main thread: Node lets it block in Atomics.wait. A browser's main thread may not
// block, so there it spins on Atomics.load until the workers are done (the page is busy running
// the model either way; run the backend inside a Web Worker to keep the page responsive).

import { ARG_COUNT, ARGS, CHUNK, DONE, ERROR_LENGTH, ERROR_TEXT_OFFSET, FAILED, GENERATION, ITEMS, KERNEL, MAX_ARGS, MAX_THREADS, NEXT_ITEM, SCRATCH } from './control.js';
import { spawnWorker } from '../../platform/wasmHost.js';
import type { WasmMemory, WasmModule } from './webAssemblyApi.js';

export interface WorkerHandle {
  terminate(): unknown;
}

export interface StartData {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly thread: number;
  readonly spin: number;
}

type Export = (...args: number[]) => void;

export class ThreadPool {
  private readonly flags: Int32Array;
  private readonly slots: Float64Array;
  private disposed = false;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly workers: readonly WorkerHandle[],
  ) {
    this.flags = new Int32Array(memory.buffer, 0, NEXT_ITEM + 1);
    this.slots = new Float64Array(memory.buffer, 0, SCRATCH + workers.length + 1);
  }

  /** Starts `threads − 1` workers (the main thread is the first thread) and waits until they are ready. */
  static async start(module: WasmModule, memory: WasmMemory, threads: number, spin: number): Promise<ThreadPool> {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new Error(`wasm backend: threads must be an integer in [1, ${MAX_THREADS}], got ${threads}`);
    const started = await Promise.allSettled(Array.from({ length: threads - 1 }, (_, i) => spawnWorker({ module, memory, thread: i + 1, spin })));
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw failure.reason;
    }
    return new ThreadPool(memory, workers);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Runs kernel export #`kernel` (`local` is that export on this thread) as
   * kernel(...args, begin, end, scratch) over work items [0, items), in chunks claimed by every
   * thread (see control.ts); `scratch[t]` is thread t's scratch memory. Returns when all are done.
   */
  run(kernel: number, local: Export, name: string, args: readonly number[], items: number, scratch: readonly number[]): void {
    if (this.disposed) throw new Error(`wasm backend: ${name} called after dispose()`);
    if (args.length > MAX_ARGS) throw new Error(`wasm backend: ${name} has ${args.length} arguments, more than the ${MAX_ARGS} a job can carry`);
    const { flags, slots } = this;
    slots[KERNEL] = kernel;
    slots[ITEMS] = items;
    // About four chunks per thread: few enough that claiming costs nothing, enough to rebalance.
    const chunk = Math.max(1, Math.ceil(items / (4 * this.threads)));
    slots[CHUNK] = chunk;
    slots[ARG_COUNT] = args.length;
    args.forEach((a, i) => (slots[ARGS + i] = a));
    scratch.forEach((s, t) => (slots[SCRATCH + t] = s));
    Atomics.store(flags, NEXT_ITEM, 0);
    Atomics.store(flags, DONE, 0);
    Atomics.store(flags, FAILED, 0);
    Atomics.add(flags, GENERATION, 1);
    Atomics.notify(flags, GENERATION);
    try {
      for (let begin = Atomics.add(flags, NEXT_ITEM, chunk); begin < items; begin = Atomics.add(flags, NEXT_ITEM, chunk)) {
        local(...args, begin, Math.min(begin + chunk, items), scratch[0]);
      }
    } finally {
      this.waitForWorkers();
    }
    const failed = Atomics.load(flags, FAILED);
    if (failed !== 0) {
      const text = new TextDecoder().decode(new Uint8Array(this.memory.buffer, ERROR_TEXT_OFFSET, flags[ERROR_LENGTH]).slice());
      throw new Error(`wasm backend: ${name} failed on worker thread ${failed}: ${text}`);
    }
  }

  /** Makes the workers leave their loop, and ends them. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.slots[KERNEL] = -1;
    Atomics.add(this.flags, GENERATION, 1);
    Atomics.notify(this.flags, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private waitForWorkers(): void {
    const expected = this.workers.length;
    for (let done = Atomics.load(this.flags, DONE); done < expected; done = Atomics.load(this.flags, DONE)) {
      if (canBlockHere()) Atomics.wait(this.flags, DONE, done);
    }
  }
}

let blockingAllowed: boolean | undefined;

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlockHere(): boolean {
  if (blockingAllowed === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // value differs: returns at once where allowed
      blockingAllowed = true;
    } catch {
      blockingAllowed = false;
    }
  }
  return blockingAllowed;
}

export interface ThreadSupport {
  /** Threads to use by default (the main thread included). */
  readonly threads: number;
  /** Whether the memory can be shared with workers (and so grow without invalidating views). */
  readonly sharedMemory: boolean;
  readonly reason: string;
}

export { threadSupport } from '../../platform/wasmHost.js';
