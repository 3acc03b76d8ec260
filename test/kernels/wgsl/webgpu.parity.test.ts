// Every op's WebGPU kernel against the CPU reference, on the shared case table: once with the
// kernel parameters tuned for this adapter, and once with those for the other kind (a software
// adapter here runs the GPU workgroup sizes too, so both configurations are proven).

import '../../../kernels/wgsl/register.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { describeKernelParity } from '../kernelParity.js';

// float32 sums in another order than the CPU's float64 ones: products over long K drift by ~1e-5.
const tolerance = { matmul: 1e-4, linear: 1e-4 };
// int8 embedding tables (--q8-embeddings) have a CPU and wasm kernel only so far.
const lacking = ['quantizedGather'] as const;

describeKernelParity('webgpu', () => createWebGpuBackend(), { tolerance, lacking });

describeKernelParity(
  'webgpu (the other tuning)',
  async () => {
    const probe = await createWebGpuBackend();
    const other = probe.tuning.name === 'software' ? 'hardware' : 'software';
    await probe.dispose();
    return createWebGpuBackend({ tuning: other });
  },
  { tolerance, lacking },
);
