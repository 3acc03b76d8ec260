// The gpu.js package, in Node: its CommonJS build, loaded on first use (it brings a JavaScript
// parser and several compilers, about 0.1 s to load, which a program that never creates the gpujs
// backend should not pay). The browser bundle replaces this module with gpujsPackage.browser.ts.

import { createRequire } from 'node:module';
import type * as GpuJs from 'gpu.js';

const require = createRequire(import.meta.url);

export const loadGpujs = (): typeof GpuJs => require('gpu.js') as typeof GpuJs;

export const gpujsVersion = (): string => (require('gpu.js/package.json') as { version: string }).version;

/**
 * gpu.js's webasm worker pool class, which the package does not export (see
 * kernels/gpujs/workerPool.ts); undefined where it cannot be reached.
 */
export function webasmWorkerPoolClass(): unknown {
  return (require('gpu.js/src/backend/web-assembly/worker-pool.js') as { WebAssemblyWorkerPool?: unknown }).WebAssemblyWorkerPool;
}
