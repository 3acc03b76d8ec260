// Scaled dot-product attention as one op: softmax(scale · q·kᵀ + mask)·v.
//
// It is a composite op (registry.ts): its meaning is the four ops it replaces, with their
// numerics — the scores q·kᵀ are float32 values, scaled (rounded to float32 again) before the mask
// is added, and the softmax is the softmax op's, fully masked rows uniform. A backend with an
// `attention` kernel may compute it without materialising the [Sq, Sk] scores (the WebGPU kernel
// streams keys through workgroup memory); any other backend runs the composition.
//
// `qkvAttention` is the same attention for the multi-head self-attention of a transformer layer,
// taking q, k and v as one linear layer with the three weights stacked produces them, and giving the
// context in the layout the output projection reads. Its meaning is the composition slice → split
// heads → attention → merge heads; a kernel may instead read each head where it lies, by strides,
// and write the context in place, without the five copies.

import { OpError } from '../errors.js';
import { hasKernel } from '../registry.js';
import { commonBackend, outputSpec, runOp } from '../run.js';
import { tidy } from '../scope.js';
import { shouldRecord } from '../tape.js';
import { broadcastShapes, formatShape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectFinite, expectRank, expectTensor } from './check.js';
import { scale as scaleBy } from './elementwise.js';
import { permute, reshape } from './layout.js';
import { slice } from './indexing.js';
import { matmul } from './linalg.js';
import { softmax } from './normalization.js';

/**
 * q [..., Sq, D], k [..., Sk, D], v [..., Sk, Dv] (the same batch axes "...", e.g. [batch, heads])
 * → softmax(scale · q·kᵀ + mask)·v, [..., Sq, Dv]. The optional additive `mask` broadcasts to the
 * scores [..., Sq, Sk] (for RoBERTa: [batch, 1, 1, Sk], 0 to keep a key, the float32 minimum to drop it).
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | undefined, scale: number): Tensor {
  const op = 'attention';
  const named = [['q', q], ['k', k], ['v', v]] as const;
  for (const [name, t] of named) {
    expectTensor(op, name, t);
    expectDType(op, name, t, 'float32');
    expectRank(op, name, t, 2, Infinity);
  }
  const shapes = `q is ${formatShape(q.shape)}, k is ${formatShape(k.shape)}, v is ${formatShape(v.shape)}`;
  const batch = q.shape.slice(0, -2);
  if (!sameShape(k.shape.slice(0, -2), batch) || !sameShape(v.shape.slice(0, -2), batch)) {
    throw new OpError(op, `q, k and v must have the same batch axes (all but the last two): ${shapes}`);
  }
  const [sq, d] = q.shape.slice(-2);
  const [sk, dk] = k.shape.slice(-2);
  const [skv, dv] = v.shape.slice(-2);
  if (dk !== d) throw new OpError(op, `q and k must have the same head size (last axis): ${shapes}`);
  if (skv !== sk) throw new OpError(op, `k and v must have the same number of keys (second-to-last axis): ${shapes}`);
  expectFinite(op, 'scale', scale);
  const inputs = [q, k, v];
  if (mask !== undefined) {
    expectTensor(op, 'mask', mask);
    expectDType(op, 'mask', mask, 'float32');
    const scores = [...batch, sq, sk];
    if (!sameShape(broadcastShapes(op, scores, mask.shape, ['scores', 'mask']), scores)) {
      throw new OpError(op, `mask must broadcast to the scores ${formatShape(scores)} without growing them: mask is ${formatShape(mask.shape)}`);
    }
    inputs.push(mask);
  }
  const backend = commonBackend(op, inputs);
  // A fused kernel has no gradient rule: when differentiating, the composition runs and is recorded op by op.
  if (hasKernel(backend.name, op) && !shouldRecord(inputs)) return runOp(op, inputs, { scale }, [outputSpec([...batch, sq, dv], 'float32')])[0];
  // The composition; tidy frees the scores and probabilities as soon as the context exists.
  return tidy(() => matmul(softmax(scaleBy(matmul(q, k, { transposeB: true }), scale), mask), v));
}

/**
 * Multi-head self-attention over packed projections: qkv [batch, seq, 3·hidden] holds q, k and v
 * side by side on its last axis ([q | k | v], each `heads` heads of d = hidden / heads, head h in
 * columns h·d … h·d + d − 1 of its third) → context [batch, seq, hidden], head h in the same
 * columns. The optional additive `mask` broadcasts to the scores [batch, heads, seq, seq].
 */
export function qkvAttention(qkv: Tensor, mask: Tensor | undefined, heads: number, scale: number): Tensor {
  const op = 'qkvAttention';
  expectTensor(op, 'qkv', qkv);
  expectDType(op, 'qkv', qkv, 'float32');
  expectRank(op, 'qkv', qkv, 3);
  if (!Number.isInteger(heads) || heads < 1) throw new OpError(op, `heads must be a positive integer, got ${String(heads)}`);
  const [batch, seq, width] = qkv.shape;
  if (width % (3 * heads) !== 0) {
    throw new OpError(op, `qkv's last axis must hold q, k and v of ${heads} equal heads each (a multiple of 3·${heads}): qkv is ${formatShape(qkv.shape)}`);
  }
  expectFinite(op, 'scale', scale);
  const inputs = [qkv];
  if (mask !== undefined) {
    expectTensor(op, 'mask', mask);
    expectDType(op, 'mask', mask, 'float32');
    const scores = [batch, heads, seq, seq];
    if (!sameShape(broadcastShapes(op, scores, mask.shape, ['scores', 'mask']), scores)) {
      throw new OpError(op, `mask must broadcast to the scores ${formatShape(scores)} without growing them: mask is ${formatShape(mask.shape)}`);
    }
    inputs.push(mask);
  }
  const hidden = width / 3;
  const backend = commonBackend(op, inputs);
  // A fused kernel has no gradient rule: when differentiating, the composition runs and is recorded op by op.
  if (hasKernel(backend.name, op) && !shouldRecord(inputs)) return runOp(op, inputs, { heads, scale }, [outputSpec([batch, seq, hidden], 'float32')])[0];
  return tidy(() => {
    const d = hidden / heads;
    // [batch, seq, hidden] → [batch, heads, seq, d], and back.
    const split = (part: number) => permute(reshape(slice(qkv, [0, 0, part * hidden], [batch, seq, hidden]), [batch, seq, heads, d]), [0, 2, 1, 3]);
    const context = attention(split(0), split(1), split(2), mask, scale);
    return reshape(permute(context, [0, 2, 1, 3]), [batch, seq, hidden]);
  });
}
