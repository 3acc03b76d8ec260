// Batched matmul (attention's q·kᵀ and probs·v): the SIMD kernel of simd/gemm.ts with B packed
// one panel at a time as it goes, since B is an activation here, not a weight. Work items are
// (batch, column panel) pairs, split between threads. A table of per-batch byte offsets lets the
// kernel follow any batch broadcasting. A transposed `a` (training's weight gradients, dzᵀ·x) is
// first copied into row-major order: one pass over a, against the product's k passes.

import { forEachBroadcast } from '../cpu/broadcast.js';
import { permute as referencePermute } from '../cpu/permute.js';
import { gemmScratchFloats, NR } from './simd/gemm.js';
import type { WasmKernel } from './kernel.js';

export const matmul: WasmKernel<'matmul'> = (backend, inputs, attrs, outputs) => {
  const [a, b] = inputs;
  if (attrs.transposeA) {
    const rank = a.shape.length;
    const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
    const shape = perm.map((p) => a.shape[p]);
    const [rowMajor] = referencePermute(backend, [a], { perm }, [{ shape, dtype: 'float32', size: a.size }]);
    try {
      return matmul(backend, [{ ...a, storage: rowMajor, shape }, b], { ...attrs, transposeA: false }, outputs);
    } finally {
      backend.free(rowMajor);
    }
  }
  const [out] = outputs;
  const rank = out.shape.length;
  const m = out.shape[rank - 2];
  const n = out.shape[rank - 1];
  const k = a.shape[a.shape.length - 1];
  const c = backend.allocate('float32', out.size);
  if (out.size === 0) return [c];
  const batchShape = out.shape.slice(0, -2);
  const batches = out.size / (m * n);
  // Per batch: the byte offsets of its A, B and C matrices.
  const table = backend.tableOf(3 * batches);
  forEachBroadcast(batchShape, [a.shape.slice(0, -2), b.shape.slice(0, -2)], (batch, [aIndex, bIndex]) => {
    table[3 * batch] = a.storage.byteOffset + aIndex * m * k * 4;
    table[3 * batch + 1] = b.storage.byteOffset + bIndex * k * n * 4;
    table[3 * batch + 2] = c.byteOffset + batch * m * n * 4;
  });
  // Element (k, n) of b: [K, N] row-major, or [N, K] when transposed.
  const [kStride, nStride] = attrs.transposeB ? [1, k] : [n, 1];
  const panels = Math.ceil(n / NR);
  backend.run('matmul', [table.byteOffset, m, n, k, k * 4, kStride, nStride, n * 4, panels], batches * panels, batches * m * n * k, gemmScratchFloats(k));
  return [c];
};
