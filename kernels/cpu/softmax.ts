// Softmax over the last axis of x + mask, the numerically stable way: subtract the row maximum
// before exponentiating so no exp overflows, and the largest term is exactly e^0 = 1.
//
// The masked sum is rounded to float32 first, as Hugging Face computes it: adding the float32
// minimum (≈ −3.4e38) to any ordinary score gives exactly that minimum, so masked keys all tie
// and get probability 0 whenever one key in the row is unmasked. A row with every key masked
// therefore comes out uniform (1/n each) — finite, as in Hugging Face — and so does a row of −∞.

import { broadcastStrides } from '../../engine/shape.js';
import type { CpuKernel } from './kernel.js';

export const softmax: CpuKernel<'softmax'> = (backend, [x, mask], _attrs, [out]) => {
  const rank = x.shape.length;
  const n = x.shape[rank - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const X = x.storage;
  const M = mask?.storage;
  const maskStrides = mask ? broadcastStrides(mask.shape, x.shape) : [];
  const Y = backend.allocate('float32', out.size);
  const v = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    let maskOff = 0;
    for (let axis = rank - 2, rest = r; axis >= 0 && M; axis--) {
      const idx = rest % x.shape[axis];
      rest = (rest - idx) / x.shape[axis];
      maskOff += idx * maskStrides[axis];
    }
    const lastStride = M ? maskStrides[rank - 1] : 0;
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      v[j] = M ? Math.fround(X[r * n + j] + M[maskOff + j * lastStride]) : X[r * n + j];
      if (v[j] > max) max = v[j];
    }
    if (max === -Infinity) {
      Y.fill(1 / n, r * n, (r + 1) * n);
      continue;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      v[j] = Math.exp(v[j] - max);
      sum += v[j];
    }
    for (let j = 0; j < n; j++) Y[r * n + j] = v[j] / sum;
  }
  return [Y];
};

/**
 * The gradient through softmax, from its output y: ∂yⱼ/∂xᵢ = yⱼ(δᵢⱼ − yᵢ), so
 * dxᵢ = yᵢ · (dyᵢ − Σⱼ dyⱼ yⱼ). A masked entry has yᵢ = 0 and gets no gradient.
 */
export const softmaxBackward: CpuKernel<'softmaxBackward'> = (backend, [y, dy], _attrs, [out]) => {
  const n = y.shape[y.shape.length - 1];
  const rows = n === 0 ? 0 : y.size / n;
  const Y = y.storage;
  const DY = dy.storage;
  const DX = backend.allocate('float32', out.size);
  for (let r = 0; r < rows; r++) {
    const off = r * n;
    let dot = 0;
    for (let j = 0; j < n; j++) dot += DY[off + j] * Y[off + j];
    for (let j = 0; j < n; j++) DX[off + j] = Y[off + j] * (DY[off + j] - dot);
  }
  return [DX];
};
