// The fixture models' weights streamed from disk into GPU buffers (WebGpuBackend.uploadFrom).

import '../../../index.js';
import '../../../kernels/wgsl/register.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { describeStreamedWeights } from '../../model/streamedWeights.js';

let backend: WebGpuBackend | undefined;
afterAll(async () => {
  await backend?.dispose();
});

describeStreamedWeights('webgpu', async () => (backend ??= await createWebGpuBackend()));
