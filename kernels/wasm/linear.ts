// linear: y = x · Wᵀ + b, then the activation, as one SIMD kernel (simd/gemm.ts) over the
// weight's packed panels, split between threads by panel (by output column). GELU and ReLU run
// in the kernel, on each panel as it is finished; any other activation (never RoBERTa's) is
// applied afterwards with the reference's own float64 function, so it matches the CPU exactly.
// A float16 weight is not packed: each panel is widened to float32 as it is used (simd/halfFloat.ts).

import { unaryFunctions } from '../cpu/activations.js';
import { gemmScratchFloats, NR } from './simd/gemm.js';
import { SIMD_ACTIVATIONS, type SimdActivation } from './simd/activations.js';
import type { WasmKernel } from './kernel.js';

export function isSimdActivation(fn: string): fn is SimdActivation {
  return (SIMD_ACTIVATIONS as readonly string[]).includes(fn);
}

export const linear: WasmKernel<'linear'> = (backend, [x, weight, bias], { activation }, [out]) => {
  const [n, k] = weight.shape;
  const m = n === 0 ? 0 : out.size / n;
  const y = backend.allocate('float32', out.size);
  if (out.size === 0) return [y];
  const fused = activation !== null && isSimdActivation(activation) ? activation : null;
  const half = weight.dtype === 'float16';
  const panels = half ? weight.storage.byteOffset : backend.packedWeight(weight.storage, n, k);
  const args = [x.storage.byteOffset, k * 4, panels, k, y.byteOffset, n * 4, m, n, bias ? bias.storage.byteOffset : 0, bias ? 1 : 0];
  const name = half ? 'linearF16' : 'linear';
  backend.run(fused ? `${name}_${fused}` : name, args, Math.ceil(n / NR), m * n * k, gemmScratchFloats(k));
  if (activation !== null && fused !== activation) {
    const fn = unaryFunctions[activation];
    for (let i = 0; i < y.length; i++) y[i] = fn(y[i]);
  }
  return [y];
};
