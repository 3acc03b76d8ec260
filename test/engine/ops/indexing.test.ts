// gather, slice, select, concat and cumsum against definitions by multi-index.

import { ops, tidy, type Shape } from '../../kernels/engine.js';
import { compareValues, EXACT, FLOAT32_ROUNDING } from '../../kernels/compare.js';
import { Random } from '../../kernels/random.js';
import { count, ravel, unravel } from './reference.js';

const random = new Random(17);

describe('gather', () => {
  it.each([
    [[50, 17], [2, 7]],
    [[50, 17], []],
    [[1, 1], [4, 1]],
    [[30, 768], [1, 9]],
  ] as [Shape, Shape][])('rows of a %j table by ids %j', async (tableShape, idsShape) => {
    const [rows, width] = tableShape;
    const table = random.floats(rows * width);
    const ids = random.ints(count(idsShape), 0, rows - 1);
    const out = ops.gather(ops.tensor(table.slice(), tableShape), ops.tensor(ids.slice(), idsShape));
    expect(out.shape).toEqual([...idsShape, width]);
    const want = Array.from({ length: ids.length * width }, (_, flat) => table[ids[Math.floor(flat / width)] * width + (flat % width)]);
    expect(compareValues(want, await out.data(), EXACT)).toBeNull();
  });

  it('repeats rows for repeated ids, and keeps an int32 table int32', async () => {
    const table = ops.tensor([[10, 11], [20, 21], [30, 31]], undefined, 'int32');
    const out = ops.gather(table, ops.tensor([2, 0, 2, 2], [4], 'int32'));
    expect(out.dtype).toBe('int32');
    expect(await out.array()).toEqual([[30, 31], [10, 11], [30, 31], [30, 31]]);
  });

  it('refuses ids outside the table, naming the id and where it is', () => {
    tidy(() => {
      const table = ops.tensor(new Float32Array(12), [4, 3]);
      expect(() => ops.gather(table, ops.tensor([0, 4], [2], 'int32'))).toThrow(
        'gather: id 4 at flat index 1 is out of range for a table of 4 rows (ids must be in [0, 3])',
      );
      expect(() => ops.gather(table, ops.tensor([[1, 2], [-1, 0]], undefined, 'int32'))).toThrow(
        'gather: id -1 at flat index 2 is out of range for a table of 4 rows (ids must be in [0, 3])',
      );
      expect(() => ops.gather(table, ops.tensor([0, 1]))).toThrow('gather: ids must be int32, got float32 [2]');
      expect(() => ops.gather(ops.tensor(new Float32Array(4)), ops.tensor([0], [1], 'int32'))).toThrow('gather: table must have rank 2, got [4]');
    });
  });
});

/** The box [begin, begin + size) of x, element by element. */
function boxDefinition(x: ArrayLike<number>, shape: Shape, begin: readonly number[], size: Shape): number[] {
  return Array.from({ length: count(size) }, (_, flat) => x[ravel(unravel(flat, size).map((i, axis) => i + begin[axis]), shape)]);
}

describe('slice and select', () => {
  it.each([
    [[7, 9], [1, 2], [3, -1]],
    [[4, 5, 6], [0, 1, 2], [4, 3, 1]],
    [[2, 16, 8], [0, 0, 0], [2, 1, 8]],
    [[1, 1], [0, 0], [1, 1]],
    [[33], [5], [20]],
    [[3, 4], [1, 4], [2, 0]],
  ] as [Shape, number[], number[]][])('%j from %j with size %j', async (shape, begin, size) => {
    const x = random.ints(count(shape), -1000, 1000);
    const resolved = size.map((s, axis) => (s === -1 ? shape[axis] - begin[axis] : s));
    const out = ops.slice(ops.tensor(x.slice(), shape), begin, size);
    expect(out.shape).toEqual(resolved);
    expect(compareValues(boxDefinition(x, shape, begin, resolved), await out.data(), EXACT)).toBeNull();
  });

  it('select drops the indexed axis (the <s> token of every sequence)', async () => {
    const x = random.floats(2 * 5 * 3);
    const out = ops.select(ops.tensor(x.slice(), [2, 5, 3]), 1, 0);
    expect(out.shape).toEqual([2, 3]);
    expect(compareValues(boxDefinition(x, [2, 5, 3], [0, 0, 0], [2, 1, 3]), await out.data(), EXACT)).toBeNull();
    expect(await ops.select(ops.tensor([[1, 2], [3, 4]]), -1, 1).array()).toEqual([2, 4]);
  });

  it('refuses boxes that do not fit', () => {
    tidy(() => {
      const x = ops.tensor(new Float32Array(12), [3, 4]);
      expect(() => ops.slice(x, [1, 2], [2, 3])).toThrow('slice: box begin [1,2] size [2,3] does not fit in x [3,4] (axis 1)');
      expect(() => ops.slice(x, [-1, 0], [1, 1])).toThrow('slice: box begin [-1,0] size [1,1] does not fit in x [3,4] (axis 0)');
      expect(() => ops.slice(x, [0.5, 0], [1, 1])).toThrow('slice: box begin [0.5,0] size [1,1] does not fit in x [3,4] (axis 0)');
      expect(() => ops.slice(x, [0], [1])).toThrow('slice: begin and size need one entry per axis of x [3,4], got begin [0], size [1]');
      expect(() => ops.select(x, 0, 3)).toThrow('select: index 3 is out of range for axis 0 of x [3,4]');
      expect(() => ops.select(x, 2, 0)).toThrow('select: axis 2 is out of range for a tensor of rank 2');
    });
  });
});

describe('concat', () => {
  /** Output element at index i along `axis` comes from the input whose range along the axis holds i. */
  function definition(parts: { values: ArrayLike<number>; shape: Shape }[], axis: number): { shape: number[]; values: number[] } {
    const shape = parts[0].shape.map((d, a) => (a === axis ? parts.reduce((s, p) => s + p.shape[a], 0) : d));
    const values = Array.from({ length: count(shape) }, (_, flat) => {
      const index = unravel(flat, shape);
      let part = 0;
      while (index[axis] >= parts[part].shape[axis]) index[axis] -= parts[part++].shape[axis];
      return parts[part].values[ravel(index, parts[part].shape)];
    });
    return { shape, values };
  }

  it.each([
    [[[2, 3], [2, 5]], 1],
    [[[2, 3, 4], [1, 3, 4], [3, 3, 4]], 0],
    [[[2, 1, 4], [2, 3, 4], [2, 1, 4]], 1],
    [[[2, 1, 4], [2, 1, 2]], -1],
    [[[5], [1]], 0],
    [[[3, 4]], 0],
  ] as [Shape[], number][])('%j along axis %i', async (shapes, axis) => {
    const parts = shapes.map((shape) => ({ values: random.ints(count(shape), -1000, 1000), shape }));
    const want = definition(parts, axis < 0 ? axis + shapes[0].length : axis);
    const out = ops.concat(parts.map((p) => ops.tensor(p.values.slice(), p.shape)), axis);
    expect(out.shape).toEqual(want.shape);
    expect(out.dtype).toBe('int32');
    expect(compareValues(want.values, await out.data(), EXACT)).toBeNull();
  });

  it('refuses tensors that do not line up', () => {
    tidy(() => {
      const a = ops.tensor(new Float32Array(6), [2, 3]);
      expect(() => ops.concat([], 0)).toThrow('concat: needs at least one tensor');
      expect(() => ops.concat([a, ops.tensor(new Float32Array(6), [3, 2])], 1)).toThrow(
        'concat: tensors[1] is float32 [3,2], incompatible with tensors[0] float32 [2,3] along axis 1',
      );
      expect(() => ops.concat([a, ops.tensor(new Int32Array(6), [2, 3])], 0)).toThrow(
        'concat: tensors[1] is int32 [2,3], incompatible with tensors[0] float32 [2,3] along axis 0',
      );
      expect(() => ops.concat([a, a], 2)).toThrow('concat: axis 2 is out of range for a tensor of rank 2');
    });
  });
});

describe('cumsum', () => {
  /** out[..., p, ...] = Σ_{q ≤ p} x[..., q, ...] along `axis`, in float64. */
  function definition(x: ArrayLike<number>, shape: Shape, axis: number): number[] {
    return Array.from({ length: x.length }, (_, flat) => {
      const index = unravel(flat, shape);
      let sum = 0;
      for (let q = 0; q <= index[axis]; q++) sum += x[ravel(index.map((i, a) => (a === axis ? q : i)), shape)];
      return sum;
    });
  }

  it.each([
    [[3, 17], 1],
    [[5, 4], 0],
    [[2, 5, 3], 1],
    [[2, 5, 3], -1],
    [[1], 0],
  ] as [Shape, number][])('float32 %j along axis %i', async (shape, axis) => {
    const x = random.floats(count(shape));
    const out = ops.cumsum(ops.tensor(x.slice(), shape), axis);
    expect(out.shape).toEqual(shape);
    expect(compareValues(definition(x, shape, axis < 0 ? axis + shape.length : axis), await out.data(), FLOAT32_ROUNDING)).toBeNull();
  });

  it('counts non-padding tokens in int32 (RoBERTa position ids)', async () => {
    const mask = ops.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], undefined, 'int32');
    const out = ops.cumsum(mask, 1);
    expect(out.dtype).toBe('int32');
    expect(await out.array()).toEqual([[1, 2, 3, 3, 3], [1, 2, 3, 4, 5]]);
    const x = random.ints(4 * 6, -100, 100);
    expect(compareValues(definition(x, [4, 6], 0), await ops.cumsum(ops.tensor(x.slice(), [4, 6]), 0).data(), EXACT)).toBeNull();
  });

  it('refuses bad axes and rank 0', () => {
    tidy(() => {
      expect(() => ops.cumsum(ops.tensor(new Float32Array(6), [2, 3]), -3)).toThrow('cumsum: axis -3 is out of range for a tensor of rank 2');
      expect(() => ops.cumsum(ops.tensor(new Float32Array(6), [2, 3]), 1.5)).toThrow('cumsum: axis 1.5 is out of range for a tensor of rank 2');
      expect(() => ops.cumsum(ops.scalar(1), 0)).toThrow('cumsum: x must have rank ≥ 1, got []');
    });
  });
});
