// Compiling the kernel module. V8 first runs WebAssembly through its baseline compiler (Liftoff)
// and re-compiles hot functions with its optimizing compiler (TurboFan) in the background. For
// these kernels Liftoff's code is several times slower — it keeps no values in registers — and
// the first forward pass of roberta-base spent longer in it than in everything else: 1.76 s of
// CPU instead of 0.83 s on the development machine. So in Node the module is compiled with
// dynamic tiering off, optimized up front (3 ms for this module), by switching V8's flag for
// the duration of this one compile; the compiled module is shared with the workers as it is.
// Browsers offer no such switch: there the first calls run on baseline code.

import { isNode } from './environment.js';
import { WebAssemblyApi, type WasmModule } from './webAssemblyApi.js';

const EAGER = '--no-wasm-dynamic-tiering';
const DEFAULT = '--wasm-dynamic-tiering';

/** Whether the process was started with dynamic tiering off, so it must stay off. */
function startedEager(): boolean {
  return process.execArgv.includes(EAGER) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(EAGER);
}

export async function compileKernels(bytes: Uint8Array): Promise<WasmModule> {
  if (!isNode()) return WebAssemblyApi.compile(bytes);
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString(EAGER);
  try {
    return await WebAssemblyApi.compile(bytes);
  } finally {
    if (!startedEager()) setFlagsFromString(DEFAULT);
  }
}
