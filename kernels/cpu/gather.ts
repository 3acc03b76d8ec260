// Embedding lookup: output row i is row ids[i] of the table. The op layer checked the id range.
// A float16 table gives float32 rows, each value widened exactly.

import { widenHalves } from '../../engine/halfFloat.js';
import type { CpuKernel } from './kernel.js';

export const gather: CpuKernel<'gather'> = (backend, [table, ids], _attrs, [out]) => {
  const width = table.shape[1];
  const T = table.storage;
  const I = ids.storage;
  const Y = backend.allocate(out.dtype, out.size);
  for (let i = 0; i < ids.size; i++) {
    const row = T.subarray(I[i] * width, (I[i] + 1) * width);
    if (table.dtype === 'float16') widenHalves(row as Uint16Array, Y.subarray(i * width, (i + 1) * width) as Float32Array);
    else Y.set(row, i * width);
  }
  return [Y];
};

/** Rows of an int8 table, each value times its row's scale (in float32, as engine/quantize.ts dequantizes). */
export const quantizedGather: CpuKernel<'quantizedGather'> = (backend, [table, tableScale, ids], _attrs, [out]) => {
  const width = table.shape[1];
  const T = table.storage;
  const S = tableScale.storage;
  const I = ids.storage;
  const Y = backend.allocate('float32', out.size);
  for (let i = 0; i < ids.size; i++) {
    const row = I[i]!;
    for (let j = 0; j < width; j++) Y[i * width + j] = T[row * width + j]! * S[row]!;
  }
  return [Y];
};

/**
 * The gradient of an embedding lookup: row r of the table receives the sum of the output rows
 * whose id was r (float64). The padding row gets none, as in nn.Embedding(padding_idx=…).
 */
export const scatterAdd: CpuKernel<'scatterAdd'> = (backend, [updates, ids], { paddingIdx }, [out]) => {
  const width = out.shape[1];
  const U = updates.storage;
  const I = ids.storage;
  // float64 sums for the rows the ids name only: a batch touches few rows of a 50k-row table.
  const sums = new Map<number, Float64Array>();
  for (let i = 0; i < ids.size; i++) {
    if (I[i] === paddingIdx) continue;
    let row = sums.get(I[i]);
    if (!row) sums.set(I[i], (row = new Float64Array(width)));
    for (let j = 0; j < width; j++) row[j] += U[i * width + j];
  }
  const Y = backend.allocate('float32', out.size);
  Y.fill(0); // the wasm backend hands out reused memory
  for (const [r, row] of sums) Y.set(row, r * width);
  return [Y];
};
