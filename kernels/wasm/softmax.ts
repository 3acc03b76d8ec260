// softmax over the last axis of x + mask, rows split between threads. The mask broadcasts to x;
// a table gives, for every row of x, the address of the mask row it adds, so the SIMD kernel
// (simd/softmax.ts) needs no broadcasting logic. A mask that broadcasts along the last axis
// itself (one value per row) runs on the CPU reference kernel.

import { broadcastStrides } from '../../engine/shape.js';
import { softmax as referenceSoftmax } from '../cpu/softmax.js';
import { forEachStrided } from '../cpu/strided.js';
import type { WasmKernel } from './kernel.js';

export const softmax: WasmKernel<'softmax'> = (backend, inputs, attrs, outputs) => {
  const [x, mask] = inputs;
  const n = x.shape[x.shape.length - 1];
  const strides = mask ? broadcastStrides(mask.shape, x.shape) : [];
  if (mask && n > 1 && strides[strides.length - 1] !== 1) return referenceSoftmax(backend, inputs, attrs, outputs);
  const y = backend.allocate('float32', x.size);
  const rows = n === 0 ? 0 : x.size / n;
  const maskRows = backend.tableOf(mask ? rows : 0);
  if (mask) forEachStrided(x.shape.slice(0, -1), strides.slice(0, -1), 0, (r, offset) => (maskRows[r] = mask.storage.byteOffset + offset * 4));
  backend.run('softmax', [x.storage.byteOffset, y.byteOffset, n, maskRows.byteOffset, mask ? 1 : 0], rows, x.size * 8);
  return [y];
};

/** The gradient through softmax from its output, rows split between threads (simd/softmaxBackward.ts). */
export const softmaxBackward: WasmKernel<'softmaxBackward'> = (backend, [y, dy], _attrs, [out]) => {
  const n = y.shape[y.shape.length - 1];
  const rows = n === 0 ? 0 : y.size / n;
  const dx = backend.allocate('float32', out.size);
  backend.run('softmaxBackward', [y.storage.byteOffset, dy.storage.byteOffset, dx.byteOffset, n], rows, y.size * 6);
  return [dx];
};
