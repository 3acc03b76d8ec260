import type { Backend } from '../../engine/backend.js';
import type { DType, TypedArray } from '../../engine/dtype.js';
import type { OpName } from '../../engine/opTypes.js';
import type { Kernel } from '../../engine/registry.js';

/**
 * A backend whose storage is a typed array in host memory, with a place for kernels to allocate
 * their outputs: the CPU reference, and the wasm backend (views into its WebAssembly memory),
 * which runs these same kernels for the ops it has no SIMD kernel for.
 */
export interface HostBackend extends Backend<TypedArray> {
  allocate(dtype: DType, size: number): TypedArray;
}

/** A CPU kernel: inputs are typed arrays in host memory; outputs come from `backend.allocate`. */
export type CpuKernel<Op extends OpName> = Kernel<Op, TypedArray, HostBackend>;
