// A whole RoBERTa forward, the model code unchanged, on the gpujs backend in every mode that runs
// here: every hidden state, attention map and output within 1e-4 of Hugging Face.

import '../../../index.js';
import '../../../kernels/gpujs/register.js';
import type { GpujsMode } from '../../../kernels/gpujs/modes.js';
import { describeModelParity } from '../../model/modelParity.js';
import { BackendsByMode, webGpuAvailable } from './modes.js';

const backends = new BackendsByMode();
afterAll(() => backends.disposeAll());

const modes: GpujsMode[] = webGpuAvailable ? ['webasm', 'cpu', 'webgpu'] : ['webasm', 'cpu'];
for (const mode of modes) describeModelParity(`gpujs (${mode})`, () => backends.get(mode));
