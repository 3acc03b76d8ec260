// A whole RoBERTa forward, the model code unchanged, on the gpujs backend in every mode that must
// run here (webgpu included: modes.ts): every hidden state, attention map and output within 1e-4
// of Hugging Face.

import '../../../index.js';
import '../../../kernels/gpujs/register.js';
import { describeModelParity } from '../../model/modelParity.js';
import { BackendsByMode, TESTED_MODES } from './modes.js';

const backends = new BackendsByMode();
afterAll(() => backends.disposeAll());

for (const mode of TESTED_MODES) describeModelParity(`gpujs (${mode})`, () => backends.get(mode));
