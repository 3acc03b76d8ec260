// quantizedLinear: y = x_q · W_qᵀ scaled back, + bias, then the activation (engine/quantize.ts),
// in two SIMD kernels (simd/int8Gemm.ts): each row of x quantized to int16 values and a scale
// (split by rows), then the int8 product over the weight's packed panels (split by panel, as
// linear is). GELU and ReLU run on each panel as it is finished; any other activation runs the
// reference's own function afterwards, so it matches the CPU exactly.

import { unaryFunctions } from '../cpu/activations.js';
import { isSimdActivation } from './linear.js';
import type { WasmKernel } from './kernel.js';
import { NR } from './simd/gemm.js';
import { INT8_SCRATCH_FLOATS, quantizedRowBytes } from './simd/int8Gemm.js';

export const quantizedLinear: WasmKernel<'quantizedLinear'> = (backend, [x, weight, weightScale, bias], { activation }, [out]) => {
  const [n, k] = weight.shape;
  const m = n === 0 ? 0 : out.size / n;
  const y = backend.allocate('float32', out.size);
  if (out.size === 0) return [y];
  const rowBytes = quantizedRowBytes(k);
  // The quantized rows (int16) and their scales, in one temporary block.
  const temporary = backend.allocate('int8', m * rowBytes + m * 4);
  try {
    const xq = temporary.byteOffset;
    const scales = xq + m * rowBytes;
    backend.run('quantizeRows', [x.storage.byteOffset, k, xq, rowBytes, scales], m, m * k);
    const fused = activation !== null && isSimdActivation(activation) ? activation : null;
    const packed = backend.packedWeight(weight.storage, n, k);
    const args = [xq, rowBytes, packed, rowBytes / 4, y.byteOffset, n * 4, m, n, scales, weightScale.storage.byteOffset, bias ? bias.storage.byteOffset : 0, bias ? 1 : 0];
    backend.run(fused ? `quantizedLinear_${fused}` : 'quantizedLinear', args, Math.ceil(n / NR), m * n * k, INT8_SCRATCH_FLOATS);
    if (activation !== null && fused !== activation) {
      const fn = unaryFunctions[activation];
      for (let i = 0; i < y.length; i++) y[i] = fn(y[i]);
    }
  } finally {
    backend.free(temporary);
  }
  return [y];
};
