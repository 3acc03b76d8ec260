// What the wasm backend needs from its host, in Node: worker_threads workers, how many threads
// to use, and compiling the kernel module. The browser bundle replaces this module with
// wasmHost.browser.ts.
//
// Compiling: V8 first runs WebAssembly through its baseline compiler (Liftoff) and re-compiles
// hot functions with its optimizing compiler (TurboFan) in the background. For these kernels
// Liftoff's code is several times slower — it keeps no values in registers — and the first
// forward pass of roberta-base spent longer in it than in everything else: 1.76 s of CPU instead
// of 0.83 s on the development machine. So in Node the module is compiled with dynamic tiering
// off, optimized up front (3 ms for this module), by switching V8's flag for the duration of this
// one compile; the compiled module is shared with the workers as it is. Browsers offer no such
// switch: there the first calls run on baseline code.

import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { MAX_THREADS } from '../kernels/wasm/control.js';
import type { StartData, ThreadSupport, WorkerHandle } from '../kernels/wasm/threads.js';
import { WebAssemblyApi, type WasmModule } from '../kernels/wasm/webAssemblyApi.js';
import { NODE_WORKER_SOURCE } from '../kernels/wasm/workerSource.js';

export async function spawnWorker(data: StartData): Promise<WorkerHandle> {
  const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
  // A pool that was never disposed must not keep the process alive.
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', (error) => reject(new Error(`wasm backend: worker thread ${data.thread} failed to start: ${error.message}`)));
  });
  return worker;
}

/**
 * ROBERTA_WASM_RELAXED, the one place it is read: 0 builds the kernels without relaxed SIMD, 1
 * insists on it, unset (or empty) lets the backend use it where the engine has it. For running
 * both paths on one machine in tests and benchmarks.
 */
export function relaxedSimdOverride(): boolean | undefined {
  const value = process.env.ROBERTA_WASM_RELAXED;
  if (value === undefined || value === '') return undefined;
  if (value === '0' || value === '1') return value === '1';
  throw new Error(`ROBERTA_WASM_RELAXED must be 0 or 1, got ${JSON.stringify(value)}`);
}

export async function threadSupport(): Promise<ThreadSupport> {
  return { threads: Math.min(MAX_THREADS, availableParallelism()), sharedMemory: true, reason: 'Node worker_threads' };
}

const EAGER = '--no-wasm-dynamic-tiering';
const DEFAULT = '--wasm-dynamic-tiering';

/** Whether the process was started with dynamic tiering off, so it must stay off. */
function startedEager(): boolean {
  return process.execArgv.includes(EAGER) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(EAGER);
}

export async function compileKernels(bytes: Uint8Array): Promise<WasmModule> {
  setFlagsFromString(EAGER);
  try {
    return await WebAssemblyApi.compile(bytes);
  } finally {
    if (!startedEager()) setFlagsFromString(DEFAULT);
  }
}
