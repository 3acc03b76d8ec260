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

/**
 * LayerNorm's gradient. With v = x + residual, x̂ = (v − mean)·rstd and y = x̂·weight + bias:
 *   dweight = Σ_rows dy·x̂,   dbias = Σ_rows dy,
 *   dv = rstd · (g − mean(g) − x̂·mean(g·x̂))   where g = dy·weight,
 * the last because v moves y directly and through the row's mean and variance. The mean and rstd
 * are recomputed from x (and the residual) exactly as the forward computed them.
 */
export const layerNormBackward: CpuKernel<'layerNormBackward'> = (backend, [x, weight, dy, residual], { eps }, [dvSpec, dwSpec]) => {
  const n = x.shape[x.shape.length - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const X = x.storage;
  const R = residual?.storage;
  const G = weight.storage;
  const DY = dy.storage;
  const DV = backend.allocate('float32', dvSpec.size);
  const dw = new Float64Array(dwSpec.size);
  const db = new Float64Array(dwSpec.size);
  const xhat = new Float64Array(n);
  const g = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const off = r * n;
    let mean = 0;
    for (let j = 0; j < n; j++) {
      xhat[j] = R ? Math.fround(X[off + j] + R[off + j]) : X[off + j];
      mean += xhat[j];
    }
    mean /= n;
    let variance = 0;
    for (let j = 0; j < n; j++) variance += (xhat[j] - mean) ** 2;
    variance /= n;
    const rstd = 1 / Math.sqrt(variance + eps);
    let meanG = 0;
    let meanGX = 0;
    for (let j = 0; j < n; j++) {
      xhat[j] = (xhat[j] - mean) * rstd;
      g[j] = DY[off + j] * G[j];
      meanG += g[j];
      meanGX += g[j] * xhat[j];
      dw[j] += DY[off + j] * xhat[j];
      db[j] += DY[off + j];
    }
    meanG /= n;
    meanGX /= n;
    for (let j = 0; j < n; j++) DV[off + j] = rstd * (g[j] - meanG - xhat[j] * meanGX);
  }
  const DW = backend.allocate('float32', dwSpec.size);
  const DB = backend.allocate('float32', dwSpec.size);
  DW.set(dw);
  DB.set(db);
  return [DV, DW, DB];
};
