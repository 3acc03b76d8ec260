// Every op's gpu.js kernel in the webasm mode against the CPU reference, on the shared case table.

import '../../../index.js';
import '../../../kernels/gpujs/register.js';
import { createGpujsBackend } from '../../../kernels/gpujs/backend.js';
import { TRAINING_OPS } from '../../../train/trainingOps.js';
import { describeKernelParity } from '../kernelParity.js';

describeKernelParity('gpujs (webasm)', () => createGpujsBackend({ mode: 'webasm' }), { lacking: TRAINING_OPS }); // gpu.js does not train: see kernels/gpujs/README.md
