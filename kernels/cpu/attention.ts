// Attention, the reference: softmax(scale · q·kᵀ + mask)·v one query row at a time — the row's
// scores against every key, their masked softmax, and the probability-weighted sum of the values.
//
// It computes exactly what the composition matmul → scale → softmax → matmul computes on this
// backend, bit for bit: sums accumulate in float64 in the same order as matmul.ts, and values are
// rounded to float32 wherever those ops store a float32 tensor (the product, the scaled score, the
// score plus mask, each probability). Only the row of Sk scores is ever held, never [Sq, Sk].
//
// `attention` reads q, k and v as [..., S, D] arrays; `qkvAttention` reads the heads where they
// lie in the packed [batch, seq, 3·hidden] projection and writes the context [batch, seq, hidden]
// in place. Both are the one loop below, over rows found through a `RowLayout`; the copies the
// packed op's composition makes only move values, so the results are the same bits.

import type { TypedArray } from '../../engine/dtype.js';
import { broadcastStrides, sizeOf, type Shape } from '../../engine/shape.js';
import { attentionLayout, qkvAttentionLayout, type AttentionLayout, type RowLayout } from '../../engine/ops/attentionLayout.js';
import type { CpuKernel } from './kernel.js';

const f32 = Math.fround;

function attend(p: AttentionLayout, scale: number, [Q, K, V, M]: readonly (TypedArray | undefined)[], maskShape: Shape | undefined, O: TypedArray): void {
  const { scoresShape, heads, d, dv } = p;
  const [sq, sk] = scoresShape.slice(-2);
  const batches = sizeOf(scoresShape.slice(0, -2));
  const maskStrides = maskShape ? broadcastStrides(maskShape, scoresShape) : [];
  const maskKeyStride = maskStrides[scoresShape.length - 1] ?? 0;
  const probs = new Float64Array(sk);
  const acc = new Float64Array(dv);
  const rowStart = (layout: RowLayout, bh: number, r: number) => layout.start + Math.floor(bh / heads) * layout.batch + (bh % heads) * layout.head + r * layout.row;

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

  for (let bh = 0; bh < batches; bh++) {
    for (let i = 0; i < sq; i++) {
      const qRow = rowStart(p.q, bh, i);
      const maskOffset = M ? maskStart(bh * sq + i) : 0;
      // Scores, as matmul, scale and softmax's mask addition round them.
      let max = -Infinity;
      for (let j = 0; j < sk; j++) {
        const kRow = rowStart(p.k, bh, j);
        let dot = 0;
        for (let t = 0; t < d; t++) dot += Q![qRow + t] * K![kRow + t];
        const scaled = f32(f32(dot) * scale);
        probs[j] = M ? f32(scaled + M[maskOffset + j * maskKeyStride]) : scaled;
        if (probs[j] > max) max = probs[j];
      }
      // The stable softmax of softmax.ts: fully masked rows (every score −∞) come out uniform.
      if (max === -Infinity) {
        probs.fill(f32(1 / sk));
      } else {
        let sum = 0;
        for (let j = 0; j < sk; j++) {
          probs[j] = Math.exp(probs[j] - max);
          sum += probs[j];
        }
        for (let j = 0; j < sk; j++) probs[j] = f32(probs[j] / sum);
      }
      // The weighted sum of the values, key by key as matmul.ts walks them.
      acc.fill(0);
      for (let j = 0; j < sk; j++) {
        const vRow = rowStart(p.v, bh, j);
        for (let c = 0; c < dv; c++) acc[c] += probs[j] * V![vRow + c];
      }
      O.set(acc, rowStart(p.out, bh, i));
    }
  }
}

export const attention: CpuKernel<'attention'> = (backend, [q, k, v, mask], { scale }, [out]) => {
  const O = backend.allocate('float32', out.size);
  attend(attentionLayout(q.shape, v.shape), scale, [q.storage, k.storage, v.storage, mask?.storage], mask?.shape, O);
  return [O];
};

export const qkvAttention: CpuKernel<'qkvAttention'> = (backend, [qkv, mask], { heads, scale }, [out]) => {
  const O = backend.allocate('float32', out.size);
  attend(qkvAttentionLayout(qkv.shape, heads), scale, [qkv.storage, qkv.storage, qkv.storage, mask?.storage], mask?.shape, O);
  return [O];
};
