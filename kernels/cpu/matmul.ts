// Batched matrix product, the reference. Two loop orders, chosen so the innermost loop always
// walks memory contiguously:
//  - b not transposed: out[i, :] += a[i, k] · b[k, :]   (i-k-j, "axpy" over rows of b)
//  - b transposed:     out[i, j]  = a[i, :] · b[j, :]   (i-j-k, dot products of rows)
// Sums accumulate in float64 so the spec is more accurate than any float32 kernel tested against it.

import { broadcastStrides } from '../../engine/shape.js';
import type { CpuKernel } from './kernel.js';

export const matmul: CpuKernel<'matmul'> = (backend, [a, b], { transposeA, transposeB }, [out]) => {
  const rank = out.shape.length;
  const m = out.shape[rank - 2];
  const n = out.shape[rank - 1];
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const batchShape = out.shape.slice(0, -2);
  const batches = out.size / (m * n || 1);
  const aBatch = broadcastStrides(a.shape.slice(0, -2), batchShape);
  const bBatch = broadcastStrides(b.shape.slice(0, -2), batchShape);
  // Element (i, p) of a is at aRow·i + aCol·p; element (p, j) of b at bRow·p + bCol·j.
  const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
  const A = a.storage;
  const B = b.storage;
  const C = backend.allocate('float32', out.size);
  const acc = new Float64Array(n);
  for (let batch = 0; batch < batches; batch++) {
    let aOff = 0;
    let bOff = 0;
    for (let axis = batchShape.length - 1, rest = batch; axis >= 0; axis--) {
      const idx = rest % batchShape[axis];
      rest = (rest - idx) / batchShape[axis];
      aOff += idx * aBatch[axis] * m * k;
      bOff += idx * bBatch[axis] * k * n;
    }
    const cOff = batch * m * n;
    for (let i = 0; i < m; i++) {
      if (transposeB) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          const bj = bOff + j * k;
          for (let p = 0; p < k; p++) sum += A[aOff + aRow * i + aCol * p] * B[bj + p];
          C[cOff + i * n + j] = sum;
        }
      } else {
        acc.fill(0);
        for (let p = 0; p < k; p++) {
          const aip = A[aOff + aRow * i + aCol * p];
          const bp = bOff + p * n;
          for (let j = 0; j < n; j++) acc[j] += aip * B[bp + j];
        }
        C.set(acc, cOff + i * n);
      }
    }
  }
  return [C];
};
