// What finding a WebGPU adapter needs from a browser: `navigator.gpu`, and nothing else (no Dawn,
// no Vulkan driver files, no environment).
/// <reference types="@webgpu/types" />

import type { AdapterEnvironment } from '../kernels/wgsl/gpu.js';

export const hostEnvironment: AdapterEnvironment = {
  browserGpu: () => (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu,
  isNode: () => false,
  dawn: () => Promise.reject(new Error('webgpu: Dawn is for Node; a browser has navigator.gpu')),
  fileExists: async () => false,
  listDir: async () => [],
  platform: () => 'browser',
  getEnv: () => undefined,
  setEnv: async () => {},
};
