// Every op on the wasm backend (SIMD kernels and the reference kernels it reuses) against the CPU
// reference, on the shared case table, with two threads so the work is really split.

import '../../../index.js';
import '../../../kernels/wasm/register.js';
import { WasmBackend } from '../../../kernels/wasm/backend.js';
import { describeKernelParity } from '../kernelParity.js';

describeKernelParity('wasm', () => WasmBackend.create({ threads: 2 }));
