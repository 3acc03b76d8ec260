// The parts of the gpu.js package this backend uses, typed. gpu.js is CommonJS with hand-written
// typings; they leave out its WebGPU classes (WebGPUBufferResult, WebGPUContext), so the few
// members used here are declared below, exactly as gpu.js 2.24 defines them.
//
// The package itself comes through platform/gpujsPackage.ts (Node's CommonJS build, loaded on
// first use; the browser build, bundled).
/// <reference types="@webgpu/types" />

import type * as GpuJs from 'gpu.js';
import { loadGpujs } from '../../platform/gpujsPackage.js';

export type { IKernelRunShortcut as CompiledKernel, IGPUKernelSettings as KernelSettings } from 'gpu.js';
export type GpuInstance = InstanceType<typeof GpuJs.GPU>;

let loaded: typeof GpuJs | undefined;

export function gpujs(): typeof GpuJs {
  loaded ??= loadGpujs();
  return loaded;
}

/** The WebGPU device gpu.js shares between all its webgpu kernels (one per process). */
export interface WebGpuContext {
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly isLost: boolean;
}

/**
 * A GPUBuffer holding float32 values, as a webgpu kernel returns it under `pipeline: true` and
 * accepts it as an argument (no copy, no readback). `output` is how a kernel reading it indexes
 * it: [x], [x, y] or [x, y, z], x fastest. The buffer is reference counted: every handle holds one
 * reference, `delete()` drops it, and the buffer is destroyed at zero.
 */
export interface WebGpuHandle {
  readonly buffer: GPUBuffer;
  readonly output: readonly number[];
  delete(): void;
}

interface WebGpuClasses {
  WebGPUBufferResult: new (settings: { buffer: GPUBuffer; output: number[]; context: WebGpuContext; kernel: null }) => WebGpuHandle;
  WebGPUContext: { acquire(): Promise<WebGpuContext>; destroy(): Promise<void> };
}

const webgpu = (): WebGpuClasses => gpujs() as unknown as WebGpuClasses;

/** A handle on `buffer` (one more reference to it) that kernels read with the given dims. */
export function webGpuHandle(buffer: GPUBuffer, output: number[], context: WebGpuContext): WebGpuHandle {
  return new (webgpu().WebGPUBufferResult)({ buffer, output, context, kernel: null });
}

/** gpu.js's shared WebGPU device, requested on first use. */
export const acquireWebGpuContext = (): Promise<WebGpuContext> => webgpu().WebGPUContext.acquire();

/** Destroys gpu.js's shared WebGPU device (gpu.destroy() leaves it alive on purpose). */
export const destroyWebGpuContext = (): Promise<void> => webgpu().WebGPUContext.destroy();

/** A kernel class's mode. gpu.js's WebGL kernels all call themselves 'gpu', so those are told apart by class. */
export function modeOfClass(kernelClass: { mode?: string }): string {
  const mode = kernelClass.mode ?? 'unknown';
  if (mode !== 'gpu') return mode;
  const { HeadlessGLKernel, WebGL2Kernel } = gpujs();
  return kernelClass === WebGL2Kernel ? 'webgl2' : kernelClass === HeadlessGLKernel ? 'headlessgl' : 'webgl';
}

/** The mode a compiled kernel really runs in ('webasm', 'webgpu', 'webgl2', 'cpu', …): gpu.js may fall back. */
export function modeOf(kernel: { kernel: unknown }): string {
  return modeOfClass((kernel.kernel as { constructor: { mode?: string } }).constructor);
}

/** Why gpu.js moved a kernel to its cpu backend, if it did. */
export function fallbackReasonOf(kernel: { kernel: unknown }): string | null {
  return (kernel.kernel as { fallbackReason?: string | null }).fallbackReason ?? null;
}
