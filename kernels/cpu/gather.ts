// Embedding lookup: output row i is row ids[i] of the table. The op layer checked the id range.

import type { CpuKernel } from './kernel.js';

export const gather: CpuKernel<'gather'> = (backend, [table, ids], _attrs, [out]) => {
  const width = table.shape[1];
  const T = table.storage;
  const I = ids.storage;
  const Y = backend.allocate(out.dtype, out.size);
  for (let i = 0; i < ids.size; i++) Y.set(T.subarray(I[i] * width, (I[i] + 1) * width), i * width);
  return [Y];
};
