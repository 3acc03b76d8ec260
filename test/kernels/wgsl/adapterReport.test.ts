// The adapter report (for `roberta info`), the software/hardware call, and what `auto` selection
// does with a software adapter.

/// <reference types="@webgpu/types" />

import '../../../kernels/wgsl/register.js';
import { disposeBackends, selectBackend } from '../../../index.js';
import { formatAdapterReport, isSoftwareAdapter } from '../../../kernels/wgsl/adapterReport.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';

const info = (vendor: string, architecture: string, description: string, isFallbackAdapter = false) =>
  ({ vendor, architecture, device: '', description, isFallbackAdapter }) as unknown as GPUAdapterInfo;

describe('isSoftwareAdapter', () => {
  it('recognises CPU implementations by the fallback flag or by name', () => {
    expect(isSoftwareAdapter(info('google', 'swiftshader', 'SwiftShader driver 5.0.0'))).toBe(true);
    expect(isSoftwareAdapter(info('mesa', '', 'llvmpipe (LLVM 15.0.6, 256 bits)'))).toBe(true);
    expect(isSoftwareAdapter(info('microsoft', '', 'Microsoft Basic Render Driver'))).toBe(true);
    expect(isSoftwareAdapter(info('unknown', '', '', true))).toBe(true);
    expect(isSoftwareAdapter(info('nvidia', 'hopper', 'NVIDIA H100 80GB HBM3'))).toBe(false);
    expect(isSoftwareAdapter(info('apple', 'metal-3', 'Apple M2'))).toBe(false);
  });
});

describe('the adapter report', () => {
  it('describes the adapter, its features and limits; a software adapter marks the backend degraded', async () => {
    const backend = await createWebGpuBackend();
    try {
      const report = backend.adapterReport();
      expect(report.source).toBe('dawn');
      expect(report.robustness).toBe(true);
      expect(report.features.all).toEqual([...report.features.all].sort());
      expect(report.features.shaderF16).toBe(report.features.all.includes('shader-f16'));
      expect(report.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
      expect(report.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
      // The device got the adapter's full storage binding size (RoBERTa's embeddings need > 128 MiB).
      expect(backend.device.limits.maxStorageBufferBindingSize).toBe(report.limits.maxStorageBufferBindingSize);
      expect(backend.description).toMatch(/^webgpu: WGSL kernels on .+/);
      expect(backend.degraded !== undefined).toBe(report.software);
      if (report.software) expect(backend.degraded).toMatch(/^software adapter \(.+\): /);
      expect(backend.tuning.name).toBe(report.software ? 'software' : 'hardware');

      const text = formatAdapterReport(report);
      expect(text.split('\n').map((line) => line.split(':')[0].trim())).toEqual(['adapter', 'kind', 'features', 'buffers', 'workgroups', 'weights', 'all features', 'wgsl']);
      expect(text).toContain(report.software ? 'software (runs on the CPU)' : 'hardware');
      expect(text).toMatch(/shader-f16 (yes|no), subgroups (yes|no), timestamp-query (yes|no)/);
      // The int8 and float16 kernels' paths follow what the adapter and its WGSL offer (weightPaths.ts).
      expect(report.wgslLanguageFeatures).toEqual([...report.wgslLanguageFeatures].sort());
      const packedDot = report.wgslLanguageFeatures.includes('packed_4x8_integer_dot_product');
      expect(text).toContain(packedDot ? 'int8 dot4I8Packed (packed_4x8_integer_dot_product)' : 'int8 unpacked with extractBits');
      expect(text).toContain(report.features.shaderF16 ? 'fp16 as f16 (shader-f16)' : 'fp16 unpacked with unpack2x16float');
      expect(backend.weightPaths).toEqual({ packedDot, shaderF16: report.features.shaderF16 });
    } finally {
      await backend.dispose();
    }
  });

  it('auto selection passes over a software adapter and takes a hardware one', async () => {
    try {
      const { backend, report } = await selectBackend('auto');
      const webgpu = report.lines.find((line) => line.startsWith('webgpu: '));
      if (webgpu?.startsWith('webgpu: skipped: software adapter')) expect(backend.name).not.toBe('webgpu');
      else expect(backend.name).toBe('webgpu');
    } finally {
      await disposeBackends();
    }
  });
});
