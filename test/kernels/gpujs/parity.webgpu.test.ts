// Every op's gpu.js kernel in the webgpu mode (WGSL that gpu.js writes) against the CPU
// reference, on the shared case table; here the adapter is usually SwiftShader.

import '../../../index.js';
import '../../../kernels/gpujs/register.js';
import { createGpujsBackend } from '../../../kernels/gpujs/backend.js';
import { describeKernelParity } from '../kernelParity.js';
import { webGpuAvailable } from './modes.js';

if (webGpuAvailable) {
  describeKernelParity('gpujs (webgpu)', () => createGpujsBackend({ mode: 'webgpu' }));
} else {
  describe('gpujs (webgpu)', () => {
    it('is unavailable without a WebGPU adapter, and says why', async () => {
      await expect(createGpujsBackend({ mode: 'webgpu' })).rejects.toThrow(/mode "webgpu" is not available: .*no WebGPU adapter/s);
    });
  });
}
