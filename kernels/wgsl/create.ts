// Creating the WebGPU backend: find an adapter (gpu.ts), open a device with the limits a
// transformer needs, describe the adapter.

/// <reference types="@webgpu/types" />

import { adapterName, describeAdapter } from './adapterReport.js';
import { ATTENTION_VERSIONS } from './attention.js';
import { WebGpuBackend, WebGpuError, type WebGpuOptions } from './backend.js';
import { findAdapter } from './gpu.js';
import { TIMESTAMP_FEATURE, type TimestampRequest } from './gpuTimer.js';
import { SHADER_F16_FEATURE } from './weightPaths.js';

/**
 * The WebGPU backend on the best adapter here. Throws an Error saying how to get one when there is
 * none (in Node: a Vulkan driver, or SwiftShader). On a software adapter the backend works but is
 * marked `degraded`, so `selectBackend('auto')` passes it over.
 */
export async function createWebGpuBackend(options: WebGpuOptions = {}): Promise<WebGpuBackend> {
  if (options.attention !== undefined && !ATTENTION_VERSIONS.includes(options.attention)) {
    throw new WebGpuError(`webgpu: unknown attention version "${String(options.attention)}" (expected ${ATTENTION_VERSIONS.map((v) => `'${v}'`).join(' or ')})`);
  }
  const robustness = options.robustness ?? true;
  const found = await findAdapter({ robustness, dawnFlags: options.dawnFlags ?? [], powerPreference: options.powerPreference ?? 'high-performance' });
  const { adapter } = found;
  const report = describeAdapter(adapter, { source: found.source, robustness, swiftShaderFallback: found.swiftShaderFallback, wgslLanguageFeatures: found.wgslLanguageFeatures });
  // shader-f16 costs nothing unless a shader enables it; float16 weights are read as f16 where it is on (weightPaths.ts).
  const requiredFeatures = [...timestampFeatures(options.timestamps, adapter.features, adapterName(report)), ...(adapter.features.has(SHADER_F16_FEATURE) ? [SHADER_F16_FEATURE] : [])];
  let device: GPUDevice;
  try {
    // The defaults cap a storage binding at 128 MiB, less than RoBERTa's word embeddings
    // (50265 × 768 floats = 154 MB): ask for all the adapter offers.
    device = await adapter.requestDevice({
      label: 'roberta-ts',
      requiredFeatures,
      requiredLimits: {
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      },
    });
  } catch (error) {
    throw new WebGpuError(`webgpu: the adapter would not open a device: ${(error as Error).message}`);
  }
  return new WebGpuBackend(device, report, options);
}

/**
 * The optional features to open the device with for a timestamp request, on an adapter offering
 * `adapterFeatures`; an error naming the adapter when timestamps are required but not offered.
 */
export function timestampFeatures(request: TimestampRequest | undefined, adapterFeatures: ReadonlySet<string>, adapter: string): GPUFeatureName[] {
  if (!request) return [];
  if (adapterFeatures.has(TIMESTAMP_FEATURE)) return [TIMESTAMP_FEATURE];
  if (request === 'if-available') return [];
  throw new WebGpuError(`webgpu: GPU timestamps were asked for ({ timestamps: true }), but the adapter ${adapter} does not offer the '${TIMESTAMP_FEATURE}' feature (use 'if-available' to go without)`);
}
