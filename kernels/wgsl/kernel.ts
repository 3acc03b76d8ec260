/// <reference types="@webgpu/types" />

import type { OpName } from '../../engine/opTypes.js';
import type { Kernel } from '../../engine/registry.js';
import type { WebGpuBackend } from './backend.js';

/** A WebGPU kernel: storage is a GPUBuffer; it records dispatches on the backend and returns its outputs. */
export type WebGpuKernel<Op extends OpName> = Kernel<Op, GPUBuffer, WebGpuBackend>;
