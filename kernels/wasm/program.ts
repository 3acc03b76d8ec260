// The one WebAssembly module every kernel lives in, generated at load time from the builders in
// kernels/: the same bytes on the main thread and in every worker, with the optional instructions
// the engine has (features.ts).

import { ModuleBuilder } from './emit/module.js';
import type { SimdFeatures } from './features.js';
import { emitGemm } from './simd/gemm.js';
import { emitInt8Gemm } from './simd/int8Gemm.js';
import { emitLayerNorm } from './simd/layerNorm.js';
import { emitSoftmax } from './simd/softmax.js';
import { emitSoftmaxBackward } from './simd/softmaxBackward.js';

export function buildKernelModule(sharedMemory: boolean, features: SimdFeatures): Uint8Array {
  const m = new ModuleBuilder();
  emitInt8Gemm(m, emitGemm(m, features));
  emitSoftmax(m, features);
  emitSoftmaxBackward(m);
  emitLayerNorm(m);
  return m.encode(sharedMemory);
}
