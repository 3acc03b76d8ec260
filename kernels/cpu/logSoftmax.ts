// log(softmax(x)) over the last axis: x − max − log Σ exp(x − max), in float64. Taking the log of
// softmax's output instead would give −∞ wherever a probability underflows to 0.

import type { CpuKernel } from './kernel.js';

export const logSoftmax: CpuKernel<'logSoftmax'> = (backend, [x], _attrs, [out]) => {
  const n = x.shape[x.shape.length - 1];
  const rows = n === 0 ? 0 : x.size / n;
  const X = x.storage;
  const Y = backend.allocate('float32', out.size);
  for (let r = 0; r < rows; r++) {
    const off = r * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (X[off + j] > max) max = X[off + j];
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(X[off + j] - max);
    const logSum = max + Math.log(sum);
    for (let j = 0; j < n; j++) Y[off + j] = X[off + j] - logSum;
  }
  return [Y];
};
