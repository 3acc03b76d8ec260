// Which optional WebAssembly instructions the kernel module is built with. Relaxed SIMD
// (f32x4.relaxed_madd, i32x4.relaxed_dot_i8x16_i7x16_add_s) is on by default in Node 22+ and
// Chrome 114+, behind --experimental-wasm-relaxed-simd in Node 20, and missing in older engines.
// It is detected the only reliable way: ask the engine to validate a tiny module that uses both
// instructions. The module is built with them only where they validate, so one engine never sees
// an instruction it lacks; without them the kernels are plain SIMD-128.

import { f32x4, i32x4 } from './emit/expr.js';
import { ModuleBuilder } from './emit/module.js';
import { WebAssemblyApi } from './webAssemblyApi.js';

export interface SimdFeatures {
  /** Fused multiply-add in the f32 loops and the relaxed int8 dot product in the int8 GEMM. */
  readonly relaxed: boolean;
}

/** The bytes of a module with one function using each relaxed instruction the kernels use. */
export function relaxedSimdProbe(): Uint8Array {
  const m = new ModuleBuilder();
  const f = m.function('probe', {});
  const v = f.local('v128', 'v');
  f.set(v, f32x4.relaxedMadd(v, v, v));
  f.set(v, i32x4.relaxedDotI8x16I7x16AddS(v, v, v));
  return m.encode(false);
}

let detected: boolean | undefined;

/** Whether this engine has relaxed SIMD (validated once per process). */
export function hasRelaxedSimd(): boolean {
  detected ??= WebAssemblyApi.validate(relaxedSimdProbe());
  return detected;
}

/**
 * The features to build the kernels with: relaxed SIMD where the engine has it, unless `relaxed`
 * says otherwise (the backend option, or the host's override for tests and benchmarks). Asking for
 * it where the engine lacks it is an error, not a silent fallback: a benchmark of "relaxed" must
 * not time SIMD-128.
 */
export function chooseSimdFeatures(relaxed: boolean | undefined): SimdFeatures {
  const available = hasRelaxedSimd();
  if (relaxed === true && !available) {
    throw new Error('wasm backend: relaxed SIMD was asked for, but this WebAssembly engine lacks it (Node 20 needs --experimental-wasm-relaxed-simd; Node 22+ and Chrome 114+ have it)');
  }
  return { relaxed: relaxed ?? available };
}
