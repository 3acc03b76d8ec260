// Copies a box out of x: walk the box in order, reading x at begin + index.

import { stridesOf } from '../../engine/shape.js';
import { forEachStrided } from './strided.js';
import type { CpuKernel } from './kernel.js';

export const slice: CpuKernel<'slice'> = (backend, [x], { begin }, [out]) => {
  const strides = stridesOf(x.shape);
  const start = begin.reduce((sum, b, axis) => sum + b * strides[axis], 0);
  const X = x.storage;
  const Y = backend.allocate(out.dtype, out.size);
  forEachStrided(out.shape, strides, start, (i, off) => {
    Y[i] = X[off];
  });
  return [Y];
};
