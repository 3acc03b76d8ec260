// What the wasm backend needs from a browser: Web Workers started from a Blob URL (a bundle has
// no worker file to point at), threads only where the page is cross-origin isolated (the only
// place a WebAssembly.Memory can be shared), and a plain compile.

import { MAX_THREADS } from '../kernels/wasm/control.js';
import type { StartData, ThreadSupport, WorkerHandle } from '../kernels/wasm/threads.js';
import { WebAssemblyApi, type WasmModule } from '../kernels/wasm/webAssemblyApi.js';
import { BROWSER_WORKER_SOURCE } from '../kernels/wasm/workerSource.js';

/** The parts of a browser's global scope used here (this project compiles without the DOM types). */
interface BrowserScope {
  Worker?: new (url: string) => {
    postMessage(message: unknown): void;
    terminate(): void;
    onmessage: (() => void) | null;
    onerror: ((event: { message: string }) => void) | null;
  };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}

const scope = globalThis as unknown as BrowserScope;

export async function spawnWorker(data: StartData): Promise<WorkerHandle> {
  if (!scope.Worker) throw new Error('wasm backend: this environment has no Web Workers');
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new scope.Worker(url);
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => reject(new Error(`wasm backend: worker thread ${data.thread} failed to start: ${event.message}`));
      worker.postMessage(data);
    });
  } finally {
    URL.revokeObjectURL(url);
  }
  return worker;
}

/** A page has no environment to override the relaxed-SIMD choice from: the backend option does it. */
export function relaxedSimdOverride(): boolean | undefined {
  return undefined;
}

export async function threadSupport(): Promise<ThreadSupport> {
  if (scope.crossOriginIsolated !== true || typeof scope.Worker !== 'function') {
    return { threads: 1, sharedMemory: false, reason: 'one thread: the page is not cross-origin isolated, so it cannot share memory with workers' };
  }
  return { threads: Math.min(MAX_THREADS, scope.navigator?.hardwareConcurrency ?? 1), sharedMemory: true, reason: 'Web Workers (the page is cross-origin isolated)' };
}

export const compileKernels = (bytes: Uint8Array): Promise<WasmModule> => WebAssemblyApi.compile(bytes);
