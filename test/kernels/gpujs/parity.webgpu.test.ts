// Every op's gpu.js kernel in the webgpu mode (WGSL that gpu.js writes) against the CPU
// reference, on the shared case table; here the adapter is usually SwiftShader. Without an
// adapter every case fails with the adapter search's message (see modes.ts).

import '../../../index.js';
import '../../../kernels/gpujs/register.js';
import { createGpujsBackend } from '../../../kernels/gpujs/backend.js';
import { TRAINING_OPS } from '../../../train/trainingOps.js';
import { describeKernelParity } from '../kernelParity.js';

describeKernelParity('gpujs (webgpu)', () => createGpujsBackend({ mode: 'webgpu' }), { lacking: TRAINING_OPS, refusedWeightDTypes: ['int8', 'float16'] }); // gpu.js does not train and stores float32 only: see kernels/gpujs/README.md
