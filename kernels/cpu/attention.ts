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
import type { CpuKernel } from './kernel.js';

const f32 = Math.fround;

/**
 * Where the rows of one operand lie: row r of head h of batch b starts at element
 * start + b·batch + h·head + r·row, and its D (or Dv) elements follow contiguously.
 */
interface RowLayout {
  readonly start: number;
  readonly batch: number;
  readonly head: number;
  readonly row: number;
}

/** The rows of a contiguous [..., S, n] array, its batch axes flattened (one "head" per batch). */
const contiguous = (s: number, n: number): RowLayout => ({ start: 0, batch: s * n, head: 0, row: n });

interface Problem {
  /** The scores' shape [..., Sq, Sk]; the batch axes "..." (flattened: batch · heads) index the heads. */
  readonly scoresShape: Shape;
  /** How many heads each batch has: the flat batch index splits into (batch, head) by it. */
  readonly heads: number;
  readonly d: number;
  readonly dv: number;
  readonly scale: number;
  readonly q: RowLayout;
  readonly k: RowLayout;
  readonly v: RowLayout;
  readonly out: RowLayout;
}

function attend(p: Problem, [Q, K, V, M]: readonly (TypedArray | undefined)[], maskShape: Shape | undefined, O: TypedArray): void {
  const { scoresShape, heads, d, dv, scale } = p;
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
  const [sq, d] = q.shape.slice(-2);
  const [sk, dv] = v.shape.slice(-2);
  const O = backend.allocate('float32', out.size);
  const problem: Problem = {
    scoresShape: [...q.shape.slice(0, -1), sk],
    heads: 1,
    d,
    dv,
    scale,
    q: contiguous(sq, d),
    k: contiguous(sk, d),
    v: contiguous(sk, dv),
    out: contiguous(sq, dv),
  };
  attend(problem, [q.storage, k.storage, v.storage, mask?.storage], mask?.shape, O);
  return [O];
};

export const qkvAttention: CpuKernel<'qkvAttention'> = (backend, [qkv, mask], { heads, scale }, [out]) => {
  const [batch, seq, width] = qkv.shape;
  const hidden = width / 3;
  const d = hidden / heads;
  // Head h of q is columns h·d… of the first third of each token's row, of k the second, of v the third.
  const packed = (part: number): RowLayout => ({ start: part * hidden, batch: seq * width, head: d, row: width });
  const O = backend.allocate('float32', out.size);
  const problem: Problem = {
    scoresShape: [batch, heads, seq, seq],
    heads,
    d,
    dv: d,
    scale,
    q: packed(0),
    k: packed(1),
    v: packed(2),
    out: { start: 0, batch: seq * hidden, head: d, row: hidden },
  };
  attend(problem, [qkv.storage, qkv.storage, qkv.storage, mask?.storage], mask?.shape, O);
  return [O];
};
