import { ranksBefore } from './order.js';
import type { CpuKernel } from './kernel.js';

export const argmax: CpuKernel<'argmax'> = (backend, [x], _attrs, [out]) => {
  const n = x.shape[x.shape.length - 1];
  const X = x.storage;
  const Y = backend.allocate('int32', out.size);
  for (let r = 0; r < out.size; r++) {
    let best = 0;
    for (let j = 1; j < n; j++) if (ranksBefore(X[r * n + j], j, X[r * n + best], best)) best = j;
    Y[r] = best;
  }
  return [Y];
};
