import type { OpName } from '../../engine/opTypes.js';
import type { Kernel } from '../../engine/registry.js';
import type { GpujsBackend } from './backend.js';
import type { GpujsStorage } from './storage.js';

/** A gpujs kernel: it queues gpu.js kernels (or host work) and returns their storage at once. */
export type GpujsKernel<Op extends OpName> = Kernel<Op, GpujsStorage, GpujsBackend>;
