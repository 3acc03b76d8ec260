// Reorders axes with a copy: walk the output in order, reading the input through permuted strides.

import { stridesOf } from '../../engine/shape.js';
import { forEachStrided } from './strided.js';
import type { CpuKernel } from './kernel.js';

export const permute: CpuKernel<'permute'> = (backend, [x], { perm }, [out]) => {
  const inStrides = stridesOf(x.shape);
  const X = x.storage;
  const Y = backend.allocate(out.dtype, out.size);
  forEachStrided(out.shape, perm.map((p) => inStrides[p]), 0, (i, off) => {
    Y[i] = X[off];
  });
  return [Y];
};
