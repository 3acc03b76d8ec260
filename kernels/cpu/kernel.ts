import type { TypedArray } from '../../engine/dtype.js';
import type { OpName } from '../../engine/opTypes.js';
import type { Kernel } from '../../engine/registry.js';
import type { CpuBackend } from './backend.js';

/** A CPU kernel: inputs are typed arrays in host memory; outputs come from `backend.allocate`. */
export type CpuKernel<Op extends OpName> = Kernel<Op, TypedArray, CpuBackend>;
