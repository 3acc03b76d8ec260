// Joins along one axis. Seen as [outer, axisLength · inner] matrices, every input contributes a
// contiguous block to each outer row of the output.

import type { CpuKernel } from './kernel.js';

export const concat: CpuKernel<'concat'> = (backend, inputs, { axis }, [out]) => {
  const outer = out.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = out.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const rowLength = out.shape[axis] * inner;
  const Y = backend.allocate(out.dtype, out.size);
  let column = 0;
  for (const t of inputs) {
    const block = t.shape[axis] * inner;
    for (let o = 0; o < outer; o++) Y.set(t.storage.subarray(o * block, (o + 1) * block), o * rowLength + column);
    column += block;
  }
  return [Y];
};
