// Registers the wasm backend and its kernels. Importing this module is what makes `wasm` exist.
// The SIMD kernels cover the work that dominates a transformer (matrix products, softmax,
// LayerNorm), permute copies whole runs; every other op runs the CPU reference kernel on the same
// shared-memory views. Every kernel is registered through `register`, which unpacks any input
// that is a linear weight packed in place (backend.ts) before the kernel reads it — all but
// linear's own weight, which linear reads packed.

import type { OpName } from '../../engine/opTypes.js';
import { registerKernel } from '../../engine/registry.js';
import { registerBackend } from '../../engine/select.js';
import { argmax } from '../cpu/argmax.js';
import { binary } from '../cpu/binary.js';
import { cast } from '../cpu/cast.js';
import { concat } from '../cpu/concat.js';
import { cumsum } from '../cpu/cumsum.js';
import { gather, quantizedGather, scatterAdd } from '../cpu/gather.js';
import { layerNormBackward } from '../cpu/layerNorm.js';
import { logSoftmax } from '../cpu/logSoftmax.js';
import { scale } from '../cpu/scale.js';
import { slice } from '../cpu/slice.js';
import { sumTo } from '../cpu/sumTo.js';
import { topk } from '../cpu/topk.js';
import { unary, unaryBackward } from '../cpu/unary.js';
import { WasmBackend } from './backend.js';
import { layerNorm } from './layerNorm.js';
import type { WasmKernel } from './kernel.js';
import { linear } from './linear.js';
import { matmul } from './matmul.js';
import { permute } from './permute.js';
import { quantizedLinear } from './quantizedLinear.js';
import { softmax, softmaxBackward } from './softmax.js';

// Above the CPU reference and gpu.js, below WebGPU: on a machine with a real GPU that is faster.
registerBackend({ name: 'wasm', priority: 10, create: () => WasmBackend.create() });

/** Registers `kernel` for `op`, with every input but `packedInput` (an index) in row-major layout when it runs. */
function register<Op extends OpName>(op: Op, kernel: WasmKernel<Op>, packedInput?: number): void {
  const rowMajorInputs: WasmKernel<Op> = (backend, inputs, attrs, outputs) => {
    inputs.forEach((input, i) => {
      if (i !== packedInput) backend.unpackForGood(input.storage);
    });
    return kernel(backend, inputs, attrs, outputs);
  };
  registerKernel('wasm', op, rowMajorInputs);
}

register('linear', linear, 1);
register('quantizedLinear', quantizedLinear, 1);
register('matmul', matmul);
register('softmax', softmax);
register('layerNorm', layerNorm);
register('permute', permute);

register('binary', binary);
register('scale', scale);
register('unary', unary);
register('gather', gather);
register('quantizedGather', quantizedGather);
register('slice', slice);
register('concat', concat);
register('cumsum', cumsum);
register('argmax', argmax);
register('topk', topk);
register('cast', cast);

// Training: SIMD for softmax's gradient (attention's [batch, heads, seq, seq] rows), the reference kernels for the rest.
register('sumTo', sumTo);
register('logSoftmax', logSoftmax);
register('unaryBackward', unaryBackward);
register('softmaxBackward', softmaxBackward);
register('layerNormBackward', layerNormBackward);
register('scatterAdd', scatterAdd);
