// Every op's gpu.js kernel in the webasm mode against the CPU reference, on the shared case table.

import '../../../index.js';
import '../../../kernels/gpujs/register.js';
import { createGpujsBackend } from '../../../kernels/gpujs/backend.js';
import { TRAINING_OPS } from '../../../train/trainingOps.js';
import { describeKernelParity } from '../kernelParity.js';

describeKernelParity('gpujs (webasm)', () => createGpujsBackend({ mode: 'webasm' }), { lacking: TRAINING_OPS, refusedWeightDTypes: ['int8', 'float16'] }); // gpu.js does not train and stores float32 only: see kernels/gpujs/README.md
