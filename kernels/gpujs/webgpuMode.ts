// gpu.js's webgpu mode finds WebGPU where a browser keeps it, `navigator.gpu`, and looks for it
// at exactly two moments: when a GPU instance picks its backend, and when it requests the one
// device all its webgpu kernels share. Node 20 has no navigator. So for those two moments this
// module installs a navigator.gpu that hands gpu.js the adapter the WGSL backend's adapter search
// found (Dawn through the `webgpu` package, falling back to SwiftShader — kernels/wgsl/gpu.ts),
// and removes it again: left in place, every other WebGPU user in the process would take it for
// a browser's.

/// <reference types="@webgpu/types" />

import { findAdapter } from '../wgsl/gpu.js';
import { acquireWebGpuContext, gpujs, type GpuInstance, type WebGpuContext } from './gpujs.js';

interface NavigatorLike {
  gpu?: { requestAdapter(): Promise<GPUAdapter | null> };
}

export interface WebGpuMode {
  readonly gpu: GpuInstance;
  readonly context: WebGpuContext;
}

export async function openWebGpuMode(): Promise<WebGpuMode> {
  const { GPU } = gpujs();
  const global = globalThis as { navigator?: NavigatorLike };
  if (global.navigator?.gpu) return { gpu: new GPU({ mode: 'webgpu' }), context: await acquireWebGpuContext() };
  const { adapter } = await findAdapter({ robustness: true, dawnFlags: [] });
  const found: NavigatorLike['gpu'] = { requestAdapter: async () => adapter };
  const hadNavigator = global.navigator !== undefined;
  if (hadNavigator) Object.defineProperty(global.navigator, 'gpu', { value: found, configurable: true });
  else global.navigator = { gpu: found };
  try {
    return { gpu: new GPU({ mode: 'webgpu' }), context: await acquireWebGpuContext() };
  } finally {
    if (hadNavigator) delete global.navigator?.gpu;
    else delete global.navigator;
  }
}
