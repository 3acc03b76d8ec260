// argmax and topk against a definition: sort each row by (value descending, index ascending),
// with NaN above everything.

import { ops, tidy, type Shape } from '../../kernels/engine.js';
import { compareValues, EXACT } from '../../kernels/compare.js';
import { Random } from '../../kernels/random.js';

const random = new Random(23);

/** Each row's indices in the documented order: larger first, NaN largest, ties by lower index. */
function rankedRows(x: ArrayLike<number>, n: number): number[][] {
  const rows: number[][] = [];
  for (let off = 0; off < x.length; off += n) {
    const row = Array.from({ length: n }, (_, j) => x[off + j]);
    // NaN above everything, +∞ included: sort by (is NaN, value) descending, then index ascending.
    const nan = row.map((v) => (Number.isNaN(v) ? 1 : 0));
    const value = row.map((v) => (Number.isNaN(v) ? 0 : v));
    const order = row.map((_, j) => j);
    order.sort((i, j) => nan[j] - nan[i] || (value[i] === value[j] ? i - j : value[j] > value[i] ? 1 : -1));
    rows.push(order);
  }
  return rows;
}

const inputs: [string, Shape, () => number[]][] = [
  ['random', [5, 17], () => Array.from(random.floats(85))],
  ['ties', [4, 9], () => random.pick(36, [0, 1, 2])],
  ['one column', [3, 1], () => Array.from(random.floats(3))],
  ['rank 1', [6], () => Array.from(random.floats(6))],
  ['NaN and ±∞', [2, 4], () => [1, NaN, Infinity, -Infinity, -Infinity, 2, NaN, NaN]],
  ['vocabulary rows', [2, 50265], () => Array.from(random.floats(2 * 50265, -10, 10))],
];

describe('argmax', () => {
  it.each(inputs)('%s %j gives the first largest index of each row', async (_, shape, make) => {
    const x = make();
    const n = shape[shape.length - 1];
    const out = ops.argmax(ops.tensor(x, shape));
    expect(out.shape).toEqual(shape.slice(0, -1));
    expect(out.dtype).toBe('int32');
    expect(compareValues(rankedRows(x, n).map((order) => order[0]), await out.data(), EXACT)).toBeNull();
  });

  it('works on int32', async () => {
    expect(await ops.argmax(ops.tensor([[3, 7, 7], [-1, -5, -1]], undefined, 'int32')).array()).toEqual([1, 0]);
  });

  it('refuses empty rows and rank 0', () => {
    tidy(() => {
      expect(() => ops.argmax(ops.tensor(new Float32Array(0), [2, 0]))).toThrow('argmax: the last axis of x [2,0] is empty');
      expect(() => ops.argmax(ops.scalar(3))).toThrow('argmax: x must have rank ≥ 1, got []');
    });
  });
});

describe('topk', () => {
  // k = n only for short rows: the reference kernel is O(n·k), built for a fill-mask's small k.
  const ks = (n: number) => (n <= 64 ? [1, 3, n].filter((k) => k <= n) : [1, 5]);
  it.each(inputs.flatMap(([name, shape, make]) => ks(shape[shape.length - 1]).map((k) => [name, shape, k, make] as const)))(
    '%s %j with k = %i gives the k largest, largest first, ties by lower index',
    async (_, shape, k, make) => {
      const x = make();
      const n = shape[shape.length - 1];
      const { values, indices } = ops.topk(ops.tensor(x, shape), k);
      const outShape = [...shape.slice(0, -1), k];
      expect(values.shape).toEqual(outShape);
      expect(indices.shape).toEqual(outShape);
      expect(indices.dtype).toBe('int32');
      const want = rankedRows(x, n).flatMap((order, r) => order.slice(0, k).map((j) => r * n + j));
      expect(compareValues(want.map((flat) => flat % n), await indices.data(), EXACT)).toBeNull();
      expect(compareValues(want.map((flat) => Math.fround(x[flat])), await values.data(), EXACT)).toBeNull();
    },
  );

  it('keeps int32 values int32', async () => {
    const { values, indices } = ops.topk(ops.tensor([[4, 9, 4, 1]], undefined, 'int32'), 3);
    expect(values.dtype).toBe('int32');
    expect(await values.array()).toEqual([[9, 4, 4]]);
    expect(await indices.array()).toEqual([[1, 0, 2]]);
  });

  it('refuses k outside [1, n]', () => {
    tidy(() => {
      const x = ops.tensor(new Float32Array(10), [2, 5]);
      expect(() => ops.topk(x, 0)).toThrow('topk: k must be an integer in [1, 5] for x [2,5], got 0');
      expect(() => ops.topk(x, 6)).toThrow('topk: k must be an integer in [1, 5] for x [2,5], got 6');
      expect(() => ops.topk(x, 2.5)).toThrow('topk: k must be an integer in [1, 5] for x [2,5], got 2.5');
    });
  });
});

it('the reference ranking is the documented one', () => {
  expect(rankedRows([2, NaN, 5, 5, Infinity, NaN], 6)).toEqual([[1, 5, 4, 2, 3, 0]]);
});
