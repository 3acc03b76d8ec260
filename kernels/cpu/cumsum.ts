// Inclusive running sum along an axis, seen as [outer, length, inner]. int32 sums wrap.

import type { CpuKernel } from './kernel.js';

export const cumsum: CpuKernel<'cumsum'> = (backend, [x], { axis }, [out]) => {
  const length = x.shape[axis];
  const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = length * inner === 0 ? 0 : x.size / (length * inner);
  const isInt = x.dtype === 'int32';
  const X = x.storage;
  const Y = backend.allocate(out.dtype, out.size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let sum = 0;
      for (let p = 0; p < length; p++) {
        const at = (o * length + p) * inner + i;
        sum = isInt ? (sum + X[at]) | 0 : sum + X[at];
        Y[at] = sum;
      }
    }
  }
  return [Y];
};
