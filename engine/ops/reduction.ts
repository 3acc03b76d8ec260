// Reductions over the last axis that pick: argmax (the predicted class) and top-k (fill-mask).

import { OpError } from '../errors.js';
import { outputSpec, runOp } from '../run.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectRank, expectTensor } from './check.js';

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
