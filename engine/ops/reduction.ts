// Reductions: argmax (the predicted class) and top-k (fill-mask) pick along the last axis; sumTo
// adds up over broadcast axes (gradients of broadcasting ops, and losses).

import { OpError } from '../errors.js';
import { outputSpec, runOp } from '../run.js';
import { broadcastShapes, formatShape, sameShape, type Shape } from '../shape.js';
import { defineGradient } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectRank, expectTensor } from './check.js';
import { zeros } from './creation.js';
import { add } from './elementwise.js';

/** int32 index of the largest element along the last axis (the first one on ties; NaN counts as largest). */
export function argmax(x: Tensor): Tensor {
  const op = 'argmax';
  expectTensor(op, 'x', x);
  expectDType(op, 'x', x, 'float32', 'int32');
  expectRank(op, 'x', x, 1, Infinity);
  if (x.shape[x.rank - 1] === 0) throw new OpError(op, `the last axis of x ${formatShape(x.shape)} is empty`);
  return runOp(op, [x], {}, [outputSpec(x.shape.slice(0, -1), 'int32')])[0];
}

/** The k largest elements along the last axis, largest first (ties: lower index first), and their int32 indices. */
export function topk(x: Tensor, k: number): { values: Tensor; indices: Tensor } {
  const op = 'topk';
  expectTensor(op, 'x', x);
  expectDType(op, 'x', x, 'float32', 'int32');
  expectRank(op, 'x', x, 1, Infinity);
  const n = x.shape[x.rank - 1];
  if (!Number.isInteger(k) || k < 1 || k > n) throw new OpError(op, `k must be an integer in [1, ${n}] for x ${formatShape(x.shape)}, got ${k}`);
  const shape = [...x.shape.slice(0, -1), k];
  const [values, indices] = runOp(op, [x], { k }, [outputSpec(shape, x.dtype), outputSpec(shape, 'int32')]);
  return { values, indices };
}

/**
 * Sums x (float32) down to `shape`, a shape that broadcasts to x's: over x's extra leading axes
 * and over the axes where `shape` has 1 (`sumTo(x, [])` is the sum of everything). The reverse of
 * broadcasting, so the gradient of `a + b` with b [H] broadcast over [B, S, H] is sumTo(dy, [H]).
 */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  const op = 'sumTo';
  expectTensor(op, 'x', x);
  expectDType(op, 'x', x, 'float32');
  if (!sameShape(broadcastShapes(op, shape, x.shape, ['shape', 'x']), x.shape)) {
    throw new OpError(op, `${formatShape(shape)} does not broadcast to x ${formatShape(x.shape)}`);
  }
  return runOp(op, [x], {}, [outputSpec(shape, 'float32')])[0];
}

// Each element of x went into one sum, so it gets that sum's gradient: dy broadcast back to x.
defineGradient('sumTo', {
  saves: () => ({}),
  backward: ({ inputShapes: [shape] }, [dy]) => [add(zeros(shape, dy!.backend), dy!)],
});
