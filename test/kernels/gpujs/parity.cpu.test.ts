// Every op's gpu.js kernel in the cpu mode against the CPU reference, on the shared case table.

import '../../../index.js';
import '../../../kernels/gpujs/register.js';
import { createGpujsBackend } from '../../../kernels/gpujs/backend.js';
import { describeKernelParity } from '../kernelParity.js';

describeKernelParity('gpujs (cpu)', () => createGpujsBackend({ mode: 'cpu' }));
