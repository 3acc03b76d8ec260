// Attention, the reference: softmax(scale · q·kᵀ + mask)·v one query row at a time — the row's
// scores against every key, their masked softmax, and the probability-weighted sum of the values.
//
// It computes exactly what the composition matmul → scale → softmax → matmul computes on this
// backend, bit for bit: sums accumulate in float64 in the same order as matmul.ts, and values are
// rounded to float32 wherever those ops store a float32 tensor (the product, the scaled score, the
// score plus mask, each probability). Only the row of Sk scores is ever held, never [Sq, Sk].

import { broadcastStrides, sizeOf } from '../../engine/shape.js';
import type { CpuKernel } from './kernel.js';

const f32 = Math.fround;

export const attention: CpuKernel<'attention'> = (backend, [q, k, v, mask], { scale }, [out]) => {
  const [sq, d] = q.shape.slice(-2);
  const [sk, dv] = v.shape.slice(-2);
  const batches = sizeOf(q.shape.slice(0, -2));
  const scoresShape = [...q.shape.slice(0, -1), sk];
  const maskStrides = mask ? broadcastStrides(mask.shape, scoresShape) : [];
  const maskKeyStride = maskStrides[scoresShape.length - 1] ?? 0;
  const [Q, K, V, M] = [q.storage, k.storage, v.storage, mask?.storage];
  const O = backend.allocate('float32', out.size);
  const p = new Float64Array(sk);
  const acc = new Float64Array(dv);

  /** Where the mask row of score row `row` (a flat index over [..., Sq]) starts. */
  const maskStart = (row: number): number => {
    let offset = 0;
    for (let axis = scoresShape.length - 2, rest = row; axis >= 0; axis--) {
      const index = rest % scoresShape[axis];
      rest = (rest - index) / scoresShape[axis];
      offset += index * maskStrides[axis];
    }
    return offset;
  };

  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < sq; i++) {
      const row = b * sq + i;
      const maskOffset = M ? maskStart(row) : 0;
      // Scores, as matmul, scale and softmax's mask addition round them.
      let max = -Infinity;
      for (let j = 0; j < sk; j++) {
        let dot = 0;
        for (let t = 0; t < d; t++) dot += Q[row * d + t] * K[(b * sk + j) * d + t];
        const scaled = f32(f32(dot) * scale);
        p[j] = M ? f32(scaled + M[maskOffset + j * maskKeyStride]) : scaled;
        if (p[j] > max) max = p[j];
      }
      // The stable softmax of softmax.ts: fully masked rows (every score −∞) come out uniform.
      if (max === -Infinity) {
        p.fill(f32(1 / sk));
      } else {
        let sum = 0;
        for (let j = 0; j < sk; j++) {
          p[j] = Math.exp(p[j] - max);
          sum += p[j];
        }
        for (let j = 0; j < sk; j++) p[j] = f32(p[j] / sum);
      }
      // The weighted sum of the values, key by key as matmul.ts walks them.
      acc.fill(0);
      for (let j = 0; j < sk; j++) {
        for (let c = 0; c < dv; c++) acc[c] += p[j] * V[(b * sk + j) * dv + c];
      }
      O.set(acc, row * dv);
    }
  }
  return [O];
};
