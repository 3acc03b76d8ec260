// Changing how the same elements are arranged: reshape (free) and permute (a copy).

import { OpError } from '../errors.js';
import { outputSpec, runOp } from '../run.js';
import { checkShape, formatShape, sizeOf, type Shape } from '../shape.js';
import { defineGradient, record, shouldRecord } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { expectTensor } from './check.js';

/** The same elements in another shape; one entry may be −1 (inferred). No copy: storage is shared. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const op = 'reshape';
  expectTensor(op, 'x', x);
  const inferred = shape.filter((d) => d === -1).length;
  if (inferred > 1) throw new OpError(op, `at most one dimension may be -1, got ${formatShape(shape)}`);
  const known = sizeOf(shape.filter((d) => d !== -1));
  const resolved = shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d));
  // A −1 that does not come out whole means the sizes differ (not that the shape is malformed).
  const inferredWhole = resolved.every((d, i) => shape[i] !== -1 || Number.isInteger(d));
  if (inferredWhole) checkShape(op, 'new shape', resolved);
  if (!inferredWhole || sizeOf(resolved) !== x.size) {
    throw new OpError(op, `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`);
  }
  const out = x.viewAs(resolved);
  if (shouldRecord([x])) record(op, [x], {}, [out]);
  return out;
}

defineGradient('reshape', { saves: () => ({}), backward: ({ inputShapes: [shape] }, [dy]) => [reshape(dy!, shape)] });

/** Output axis i is input axis perm[i] (splitting attention heads: [B, S, A, D] → [B, A, S, D]). */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const op = 'permute';
  expectTensor(op, 'x', x);
  const valid = perm.length === x.rank && [...perm].sort((p, q) => p - q).every((p, i) => p === i);
  if (!valid) throw new OpError(op, `perm [${perm}] is not a permutation of the ${x.rank} axes of x ${formatShape(x.shape)}`);
  return runOp(op, [x], { perm: [...perm] }, [outputSpec(perm.map((p) => x.shape[p]), x.dtype)])[0];
}

/** Output axis i came from input axis perm[i], so the gradient goes back by the inverse permutation. */
defineGradient('permute', {
  saves: () => ({}),
  backward({ attrs: { perm } }, [dy]) {
    const inverse = perm.map((_, axis) => perm.indexOf(axis));
    return [permute(dy!, inverse)];
  },
});

/** Swaps the last two axes. */
export function transpose(x: Tensor): Tensor {
  expectTensor('transpose', 'x', x);
  if (x.rank < 2) throw new OpError('transpose', `x must have rank ≥ 2, got ${formatShape(x.shape)}`);
  const perm = [...Array(x.rank).keys()];
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return permute(x, perm);
}
