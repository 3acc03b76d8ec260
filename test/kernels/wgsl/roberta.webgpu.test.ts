// The whole RoBERTa forward, unchanged model code, on the WebGPU kernels: the fixture models'
// every hidden state, attention map and output against what Hugging Face computed.

import '../../../index.js';
import '../../../kernels/wgsl/register.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { describeModelParity } from '../../model/modelParity.js';

let backend: WebGpuBackend | undefined;
afterAll(async () => {
  await backend?.dispose();
});

describeModelParity('webgpu', async () => (backend ??= await createWebGpuBackend()));
