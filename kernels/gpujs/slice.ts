// Copies a box out of x: the box's elements in row-major order, read at begin + index.

import { stridesOf } from '../../engine/shape.js';
import { slice as cpuSlice } from '../cpu/slice.js';
import { onHost } from './host.js';
import type { GpujsKernel } from './kernel.js';
import { checkFlatIndexable } from './program.js';
import { readStrided } from './strided.js';

const sliceInts = onHost(cpuSlice);

export const slice: GpujsKernel<'slice'> = (backend, inputs, attrs, outputs) => {
  const [x] = inputs;
  if (x.dtype === 'int32') return sliceInts(backend, inputs, attrs, outputs);
  checkFlatIndexable('slice', 'x', x.shape, x.size);
  const strides = stridesOf(x.shape);
  const start = attrs.begin.reduce((sum, b, axis) => sum + b * strides[axis], 0);
  return [readStrided(backend, x.storage, outputs[0].shape, strides, start)];
};
