// The fixture models end to end on the wasm backend, against Hugging Face's outputs.

import '../../../index.js';
import '../../../kernels/wasm/register.js';
import { disposeBackends, getBackendByName } from '../../../index.js';
import { describeModelParity } from '../../model/modelParity.js';

describeModelParity('wasm', () => getBackendByName('wasm'));

afterAll(disposeBackends);
