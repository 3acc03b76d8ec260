// The fixture models' weights streamed from disk into wasm memory (WasmBackend.uploadFrom).

import '../../../index.js';
import '../../../kernels/wasm/register.js';
import { disposeBackends, getBackendByName } from '../../../index.js';
import { describeStreamedWeights } from '../../model/streamedWeights.js';

describeStreamedWeights('wasm', () => getBackendByName('wasm'));

afterAll(disposeBackends);
