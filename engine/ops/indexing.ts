// Picking and joining: embedding lookup, slices, concatenation, running sums.

import { OpError } from '../errors.js';
import { outputSpec, runOp } from '../run.js';
import { formatShape, normalizeAxis } from '../shape.js';
import { defineGradient } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { expectDType, expectRank, expectTensor } from './check.js';
import { zeros } from './creation.js';
import { reshape } from './layout.js';

export interface GatherOptions {
  /** nn.Embedding's padding_idx: the row that never receives a gradient (the lookup itself is unchanged). */
  readonly paddingIdx?: number;
}

/**
 * Rows of `table` [V, H] picked by int32 `ids` [...] → [..., H] (an embedding lookup); a float16
 * table gives float32 rows. Ids are
 * checked against [0, V) wherever the backend can read them synchronously; on device backends
 * the ids come from the host, and the model checks them there before uploading.
 */
export function gather(table: Tensor, ids: Tensor, options: GatherOptions = {}): Tensor {
  const op = 'gather';
  expectTensor(op, 'table', table);
  expectTensor(op, 'ids', ids);
  expectRank(op, 'table', table, 2);
  expectDType(op, 'table', table, 'float32', 'int32', 'float16');
  expectDType(op, 'ids', ids, 'int32');
  checkIds(op, ids, table.shape[0]);
  const attrs = options.paddingIdx === undefined ? {} : { paddingIdx: options.paddingIdx };
  const dtype = table.dtype === 'float16' ? 'float32' : table.dtype;
  return runOp(op, [table, ids], attrs, [outputSpec([...ids.shape, table.shape[1]], dtype)])[0];
}

/** Refuses ids outside [0, rows) wherever the backend can read them synchronously. */
function checkIds(op: string, ids: Tensor, rows: number): void {
  const read = ids.backend.readSync;
  if (!read) return;
  const values = read.call(ids.backend, ids.info().storage, 'int32', ids.size);
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0 || values[i] >= rows) {
      throw new OpError(op, `id ${values[i]} at flat index ${i} is out of range for a table of ${rows} rows (ids must be in [0, ${rows - 1}])`);
    }
  }
}

/**
 * gather from an int8 table [V, H] with a float32 scale per row [V] (engine/quantize.ts): float32
 * rows table[id]·tableScale[id] → [..., H]. No gradient: a quantized table is for inference.
 */
export function quantizedGather(table: Tensor, tableScale: Tensor, ids: Tensor): Tensor {
  const op = 'quantizedGather';
  expectTensor(op, 'table', table);
  expectTensor(op, 'tableScale', tableScale);
  expectTensor(op, 'ids', ids);
  expectRank(op, 'table', table, 2);
  expectDType(op, 'table', table, 'int8');
  expectDType(op, 'tableScale', tableScale, 'float32');
  expectDType(op, 'ids', ids, 'int32');
  if (tableScale.rank !== 1 || tableScale.shape[0] !== table.shape[0]) {
    throw new OpError(op, `tableScale must be [${table.shape[0]}], one scale per row of table ${formatShape(table.shape)}, got ${formatShape(tableScale.shape)}`);
  }
  checkIds(op, ids, table.shape[0]);
  return runOp(op, [table, tableScale, ids], {}, [outputSpec([...ids.shape, table.shape[1]], 'float32')])[0];
}

/**
 * updates [..., H] added into the rows of a [rows, H] table of zeros that int32 `ids` [...] name
 * (rows named twice get both), except row `paddingIdx`: the gradient of an embedding lookup.
 */
export function scatterAdd(updates: Tensor, ids: Tensor, rows: number, paddingIdx?: number): Tensor {
  const op = 'scatterAdd';
  expectTensor(op, 'updates', updates);
  expectTensor(op, 'ids', ids);
  expectDType(op, 'updates', updates, 'float32');
  expectDType(op, 'ids', ids, 'int32');
  if (updates.rank !== ids.rank + 1 || ids.shape.some((d, i) => d !== updates.shape[i])) {
    throw new OpError(op, `updates must be ids' shape plus one axis: ids are ${formatShape(ids.shape)}, updates ${formatShape(updates.shape)}`);
  }
  if (!Number.isInteger(rows) || rows < 1) throw new OpError(op, `rows must be a positive integer, got ${rows}`);
  const attrs = paddingIdx === undefined ? {} : { paddingIdx };
  return runOp(op, [updates, ids], attrs, [outputSpec([rows, updates.shape[updates.rank - 1]], 'float32')])[0];
}

defineGradient('gather', {
  saves: () => ({ inputs: [1] }),
  backward: ({ attrs: { paddingIdx }, inputs: [, ids], inputShapes: [tableShape] }, [dy]) => [scatterAdd(dy!, ids!, tableShape[0], paddingIdx)],
});

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

/** The gradient of a slice is dy placed back in its box, with zeros around it (built by concatenation). */
defineGradient('slice', {
  saves: () => ({}),
  backward({ attrs: { begin }, inputShapes: [shape] }, [dy]) {
    let g = dy!;
    for (let axis = 0; axis < shape.length; axis++) {
      const before = begin[axis];
      const after = shape[axis] - before - g.shape[axis];
      if (before === 0 && after === 0) continue;
      const pad = (n: number) => zeros(g.shape.map((d, i) => (i === axis ? n : d)), g.backend);
      g = concat([...(before > 0 ? [pad(before)] : []), g, ...(after > 0 ? [pad(after)] : [])], axis);
    }
    return [g];
  },
});

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

/** Each input gets its own stretch of dy along the axis. */
defineGradient('concat', {
  saves: () => ({}),
  backward({ attrs: { axis }, inputShapes, needs }, [dy]) {
    let offset = 0;
    return inputShapes.map((shape, i) => {
      const begin = shape.map((_, j) => (j === axis ? offset : 0));
      offset += shape[axis];
      return needs[i] ? slice(dy!, begin, [...shape]) : undefined;
    });
  },
});

/** Inclusive running sum along `axis` (position ids: cumsum of the non-padding mask). */
export function cumsum(x: Tensor, axis: number): Tensor {
  const op = 'cumsum';
  expectTensor(op, 'x', x);
  expectRank(op, 'x', x, 1, Infinity);
  const a = normalizeAxis(op, axis, x.rank);
  return runOp(op, [x], { axis: a }, [outputSpec(x.shape, x.dtype)])[0];
}
