// Registers the wasm backend and its kernels. Importing this module is what makes `wasm` exist.
// The SIMD kernels cover the work that dominates a transformer (matrix products, softmax,
// LayerNorm), permute copies whole runs; every other op runs the CPU reference kernel on the same
// shared-memory views.

import { registerKernel } from '../../engine/registry.js';
import { registerBackend } from '../../engine/select.js';
import { argmax } from '../cpu/argmax.js';
import { binary } from '../cpu/binary.js';
import { cast } from '../cpu/cast.js';
import { concat } from '../cpu/concat.js';
import { cumsum } from '../cpu/cumsum.js';
import { gather } from '../cpu/gather.js';
import { scale } from '../cpu/scale.js';
import { slice } from '../cpu/slice.js';
import { topk } from '../cpu/topk.js';
import { unary } from '../cpu/unary.js';
import { WasmBackend } from './backend.js';
import { layerNorm } from './layerNorm.js';
import { linear } from './linear.js';
import { matmul } from './matmul.js';
import { permute } from './permute.js';
import { softmax } from './softmax.js';

// Above the CPU reference and gpu.js, below WebGPU: on a machine with a real GPU that is faster.
registerBackend({ name: 'wasm', priority: 10, create: () => WasmBackend.create() });

registerKernel('wasm', 'linear', linear);
registerKernel('wasm', 'matmul', matmul);
registerKernel('wasm', 'softmax', softmax);
registerKernel('wasm', 'layerNorm', layerNorm);
registerKernel('wasm', 'permute', permute);

registerKernel('wasm', 'binary', binary);
registerKernel('wasm', 'scale', scale);
registerKernel('wasm', 'unary', unary);
registerKernel('wasm', 'gather', gather);
registerKernel('wasm', 'slice', slice);
registerKernel('wasm', 'concat', concat);
registerKernel('wasm', 'cumsum', cumsum);
registerKernel('wasm', 'argmax', argmax);
registerKernel('wasm', 'topk', topk);
registerKernel('wasm', 'cast', cast);
