// Picking and joining: embedding lookup, slices, concatenation, running sums.

import { OpError } from '../errors.js';
import { outputSpec, runOp } from '../run.js';
import { formatShape, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectRank, expectTensor } from './check.js';
import { reshape } from './layout.js';

/**
 * Rows of `table` [V, H] picked by int32 `ids` [...] → [..., H] (an embedding lookup). Ids are
 * checked against [0, V) wherever the backend can read them synchronously; on device backends
 * the ids come from the host, and the model checks them there before uploading.
 */
export function gather(table: Tensor, ids: Tensor): Tensor {
  const op = 'gather';
  expectTensor(op, 'table', table);
  expectTensor(op, 'ids', ids);
  expectRank(op, 'table', table, 2);
  expectDType(op, 'ids', ids, 'int32');
  const rows = table.shape[0];
  const read = ids.backend.readSync;
  if (read) {
    const values = read.call(ids.backend, ids.info().storage, 'int32', ids.size);
    for (let i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] >= rows) {
        throw new OpError(op, `id ${values[i]} at flat index ${i} is out of range for a table of ${rows} rows (ids must be in [0, ${rows - 1}])`);
      }
    }
  }
  return runOp(op, [table, ids], {}, [outputSpec([...ids.shape, table.shape[1]], table.dtype)])[0];
}

/** The box starting at `begin` with `size` on every axis (size −1 = to the end). */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  const op = 'slice';
  expectTensor(op, 'x', x);
  if (begin.length !== x.rank || size.length !== x.rank) {
    throw new OpError(op, `begin and size need one entry per axis of x ${formatShape(x.shape)}, got begin [${begin}], size [${size}]`);
  }
  const resolved = size.map((s, axis) => (s === -1 ? x.shape[axis] - begin[axis] : s));
  for (let axis = 0; axis < x.rank; axis++) {
    const b = begin[axis];
    const s = resolved[axis];
    if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > x.shape[axis]) {
      throw new OpError(op, `box begin [${begin}] size [${size}] does not fit in x ${formatShape(x.shape)} (axis ${axis})`);
    }
  }
  return runOp(op, [x], { begin: [...begin], size: resolved }, [outputSpec(resolved, x.dtype)])[0];
}

/** Index `index` along `axis`, dropping that axis (`select(h, 1, 0)` takes token 0: [B, S, H] → [B, H]). */
export function select(x: Tensor, axis: number, index: number): Tensor {
  const op = 'select';
  expectTensor(op, 'x', x);
  const a = normalizeAxis(op, axis, x.rank);
  if (!Number.isInteger(index) || index < 0 || index >= x.shape[a]) {
    throw new OpError(op, `index ${index} is out of range for axis ${a} of x ${formatShape(x.shape)}`);
  }
  const begin = x.shape.map((_, i) => (i === a ? index : 0));
  const size = x.shape.map((d, i) => (i === a ? 1 : d));
  const box = slice(x, begin, size);
  const out = reshape(box, x.shape.filter((_, i) => i !== a));
  box.dispose();
  return out;
}

export function concat(tensors: readonly Tensor[], axis: number): Tensor {
  const op = 'concat';
  if (tensors.length === 0) throw new OpError(op, 'needs at least one tensor');
  tensors.forEach((t, i) => expectTensor(op, `tensors[${i}]`, t));
  const first = tensors[0];
  const a = normalizeAxis(op, axis, first.rank);
  let total = 0;
  tensors.forEach((t, i) => {
    const fits = t.dtype === first.dtype && t.rank === first.rank && t.shape.every((d, j) => j === a || d === first.shape[j]);
    if (!fits) {
      throw new OpError(op, `tensors[${i}] is ${t.dtype} ${formatShape(t.shape)}, incompatible with tensors[0] ${first.dtype} ${formatShape(first.shape)} along axis ${a}`);
    }
    total += t.shape[a];
  });
  const shape = first.shape.map((d, j) => (j === a ? total : d));
  return runOp(op, tensors, { axis: a }, [outputSpec(shape, first.dtype)])[0];
}

/** Inclusive running sum along `axis` (position ids: cumsum of the non-padding mask). */
export function cumsum(x: Tensor, axis: number): Tensor {
  const op = 'cumsum';
  expectTensor(op, 'x', x);
  expectRank(op, 'x', x, 1, Infinity);
  const a = normalizeAxis(op, axis, x.rank);
  return runOp(op, [x], { axis: a }, [outputSpec(x.shape, x.dtype)])[0];
}
