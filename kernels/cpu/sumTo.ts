// Sums x down to a shape that broadcasts to it: over the leading axes x has and the output lacks,
// and over the axes where the output has size 1. It undoes a broadcast, which is what the gradient
// of a broadcasting op needs. float64 accumulation.

import { forEachBroadcast } from './broadcast.js';
import type { CpuKernel } from './kernel.js';

export const sumTo: CpuKernel<'sumTo'> = (backend, [x], _attrs, [out]) => {
  const X = x.storage;
  const sums = new Float64Array(out.size);
  forEachBroadcast(x.shape, [out.shape], (i, [o]) => {
    sums[o] += X[i];
  });
  const Y = backend.allocate('float32', out.size);
  Y.set(sums);
  return [Y];
};
