// What finding a WebGPU adapter needs from the host (kernels/wgsl/gpu.ts), in Node: Dawn through
// the `webgpu` npm package (loaded on first use), the file system to look for Vulkan drivers, and
// the environment the Vulkan loader reads. The browser bundle replaces this module with
// webgpuHost.browser.ts.
/// <reference types="@webgpu/types" />

import { existsSync, readdirSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import { ICD_VARIABLE, noAdapterMessage, type AdapterEnvironment } from '../kernels/wgsl/gpu.js';

/**
 * Dawn's GPU objects, one per flags and driver list, held for the life of the process: when one
 * is garbage collected while a device made from it is alive, Dawn crashes or hangs after a few
 * dozen submits. An instance made before VK_ICD_FILENAMES was set never sees SwiftShader, so the
 * variable is part of the key.
 */
const dawnInstances = new Map<string, GPU>();

async function loadDawn(): Promise<typeof import('webgpu')> {
  try {
    return await import('webgpu');
  } catch (error) {
    throw new Error(noAdapterMessage(`the "webgpu" npm package (Dawn for Node) could not be loaded: ${(error as Error).message}`));
  }
}

export const hostEnvironment: AdapterEnvironment = {
  browserGpu: () => (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu,
  isNode: () => true,
  async dawn(flags) {
    const key = `${flags.join(' ')}|${process.env[ICD_VARIABLE] ?? ''}`;
    let gpu = dawnInstances.get(key);
    if (!gpu) {
      const dawn = await loadDawn();
      try {
        gpu = dawn.create([...flags]);
      } catch (error) {
        throw new Error(`webgpu: Dawn rejected the flags [${flags.join(', ')}]: ${(error as Error).message}`);
      }
      dawnInstances.set(key, gpu);
    }
    return gpu;
  },
  async fileExists(path) {
    return existsSync(path);
  },
  async listDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
  platform: () => process.platform,
  getEnv: (name) => process.env[name],
  // `process.env` may be a sandbox's copy (Jest gives each test file its own), which native code
  // never reads; so the variable is also set on the host's `process`, reached by evaluating
  // `process` in the host's own context.
  async setEnv(name, value) {
    process.env[name] = value;
    (runInThisContext('process') as NodeJS.Process).env[name] = value;
  },
};
