import type { TypedArray } from '../../engine/dtype.js';
import type { OpName } from '../../engine/opTypes.js';
import type { Kernel } from '../../engine/registry.js';
import type { WasmBackend } from './backend.js';

/** A wasm kernel: inputs are views into the backend's memory; it passes their byte offsets to a SIMD export. */
export type WasmKernel<Op extends OpName> = Kernel<Op, TypedArray, WasmBackend>;
