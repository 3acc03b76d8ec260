// LayerNorm over the last axis of v = x + residual (residual optional). Two passes in float64:
// the mean first, then the variance as the mean squared deviation from it. The one-pass form
// E[v²] − E[v]² cancels catastrophically when the mean is large against the spread.
// v itself is rounded to float32, as Hugging Face adds the residual in float32 before the norm.

import type { CpuKernel } from './kernel.js';

export const layerNorm: CpuKernel<'layerNorm'> = (backend, [x, weight, bias, residual], { eps }, [out]) => {
  const n = x.shape[x.shape.length - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const X = x.storage;
  const R = residual?.storage;
  const G = weight.storage;
  const Bv = bias.storage;
  const Y = backend.allocate('float32', out.size);
  const v = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const off = r * n;
    let mean = 0;
    for (let j = 0; j < n; j++) {
      v[j] = R ? Math.fround(X[off + j] + R[off + j]) : X[off + j];
      mean += v[j];
    }
    mean /= n;
    let variance = 0;
    for (let j = 0; j < n; j++) variance += (v[j] - mean) ** 2;
    variance /= n;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let j = 0; j < n; j++) Y[off + j] = (v[j] - mean) * inv * G[j] + Bv[j];
  }
  return [Y];
};
