// Every op's WebGPU kernel against the CPU reference, on the shared case table: once with the
// kernel parameters tuned for this adapter, and once with those for the other kind (a software
// adapter here runs the GPU workgroup sizes too, so both configurations are proven).

import '../../../kernels/wgsl/register.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { describeKernelParity } from '../kernelParity.js';

// float32 sums in another order than the CPU's float64 ones: products over long K drift by ~1e-5.
const tolerance = { matmul: 1e-4, linear: 1e-4 };

describeKernelParity('webgpu', () => createWebGpuBackend(), { tolerance });

describeKernelParity(
  'webgpu (the other tuning)',
  async () => {
    const probe = await createWebGpuBackend();
    const other = probe.tuning.name === 'software' ? 'hardware' : 'software';
    await probe.dispose();
    return createWebGpuBackend({ tuning: other });
  },
  { tolerance },
);
