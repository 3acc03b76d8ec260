// The WGSL the playground's Kernels tab shows (wgslSource) is WGSL that compiles: each source
// becomes a compute pipeline on Dawn (SwiftShader here) without a validation error.

import '../../kernels/wgsl/register.js';
import { createWebGpuBackend, WGSL_KERNELS, wgslSource, type WebGpuBackend, type WgslKernel } from '../../index.js';

describe('wgslSource: the WGSL shown beside the kernel timings', () => {
  let backend: WebGpuBackend;
  beforeAll(async () => {
    backend = await createWebGpuBackend();
  });
  afterAll(() => backend?.dispose());

  it.each(WGSL_KERNELS.map((k) => [k]))('%s compiles to a compute pipeline', async (kernel) => {
    const { device } = backend;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code: wgslSource(kernel) });
    device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const messages = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error').map((m) => m.message);
    expect([messages, (await device.popErrorScope())?.message]).toEqual([[], undefined]);
  });

  it('names what it does not know', () => {
    expect(() => wgslSource('matmul:fancy' as WgslKernel)).toThrow('wgslSource: unknown kernel "matmul:fancy" (expected matmul:naive, matmul:tiled, matmul:blocked, softmax, layerNorm, gelu)');
  });
});
