// Reorders axes with a copy: output element i reads the input through permuted strides.

import { stridesOf } from '../../engine/shape.js';
import { permute as cpuPermute } from '../cpu/permute.js';
import { onHost } from './host.js';
import type { GpujsKernel } from './kernel.js';
import { checkFlatIndexable } from './program.js';
import { readStrided } from './strided.js';

const permuteInts = onHost(cpuPermute);

export const permute: GpujsKernel<'permute'> = (backend, inputs, attrs, outputs) => {
  const [x] = inputs;
  if (x.dtype === 'int32') return permuteInts(backend, inputs, attrs, outputs);
  checkFlatIndexable('permute', 'x', x.shape, x.size);
  const inStrides = stridesOf(x.shape);
  return [readStrided(backend, x.storage, outputs[0].shape, attrs.perm.map((p) => inStrides[p]), 0)];
};
