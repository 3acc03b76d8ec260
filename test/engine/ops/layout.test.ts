// reshape (a view), permute and transpose (copies) against definitions by multi-index.

import { getBackend, liveCounts, ops, tidy, type Shape } from '../../kernels/engine.js';
import { compareValues, EXACT } from '../../kernels/compare.js';
import { Random } from '../../kernels/random.js';
import { count, ravel, unravel } from './reference.js';

const random = new Random(19);

describe('permute', () => {
  it.each([
    [[17, 33], [1, 0]],
    [[2, 3, 5], [2, 0, 1]],
    [[2, 3, 5], [0, 2, 1]],
    [[2, 3, 4], [0, 1, 2]],
    [[2, 7, 12, 16], [0, 2, 1, 3]],
    [[3, 4, 5, 6], [3, 2, 1, 0]],
    [[1, 5, 1, 3], [2, 3, 0, 1]],
    [[4], [0]],
  ] as [Shape, number[]][])('%j by %j: output index i reads input index perm⁻¹', async (shape, perm) => {
    const x = random.ints(count(shape), -1000, 1000);
    const outShape = perm.map((p) => shape[p]);
    // out[i_0, …, i_{r−1}] = x[j] with j[perm[a]] = i_a.
    const want = Array.from({ length: x.length }, (_, flat) => {
      const i = unravel(flat, outShape);
      const j = new Array<number>(shape.length);
      perm.forEach((p, a) => (j[p] = i[a]));
      return x[ravel(j, shape)];
    });
    const out = ops.permute(ops.tensor(x.slice(), shape), perm);
    expect(out.shape).toEqual(outShape);
    expect(compareValues(want, await out.data(), EXACT)).toBeNull();
  });

  it('splits attention heads and merges them back', async () => {
    const x = ops.tensor(random.floats(2 * 7 * 12 * 16), [2, 7, 12, 16]);
    const heads = ops.permute(x, [0, 2, 1, 3]);
    expect(heads.shape).toEqual([2, 12, 7, 16]);
    expect(await ops.permute(heads, [0, 2, 1, 3]).data()).toEqual(await x.data());
  });

  it('transpose swaps the last two axes', async () => {
    expect(await ops.transpose(ops.tensor([[[1, 2, 3], [4, 5, 6]]])).array()).toEqual([[[1, 4], [2, 5], [3, 6]]]);
  });

  it('refuses anything that is not a permutation of the axes', () => {
    tidy(() => {
      const x = ops.tensor(new Float32Array(6), [2, 3]);
      expect(() => ops.permute(x, [0, 0])).toThrow('permute: perm [0,0] is not a permutation of the 2 axes of x [2,3]');
      expect(() => ops.permute(x, [1, 0, 2])).toThrow('permute: perm [1,0,2] is not a permutation of the 2 axes of x [2,3]');
      expect(() => ops.permute(x, [1, 2])).toThrow('permute: perm [1,2] is not a permutation of the 2 axes of x [2,3]');
      expect(() => ops.transpose(ops.tensor([1, 2]))).toThrow('transpose: x must have rank ≥ 2, got [2]');
    });
  });
});

describe('reshape', () => {
  it('shares storage instead of copying, and infers one −1 dimension', async () => {
    const cpu = getBackend();
    const x = ops.tensor(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    const bytes = cpu.memory().bytes;
    const buffers = liveCounts().buffers;
    const y = ops.reshape(x, [4, -1]);
    expect(y.shape).toEqual([4, 6]);
    expect(ops.reshape(x, [-1]).shape).toEqual([24]);
    expect(ops.reshape(x, [2, 1, -1, 3]).shape).toEqual([2, 1, 4, 3]);
    expect(cpu.memory().bytes).toBe(bytes);
    expect(liveCounts().buffers).toBe(buffers);
    // The storage lives until its last tensor goes: disposing x leaves y readable.
    x.dispose();
    expect(await y.data()).toEqual(Float32Array.from({ length: 24 }, (_, i) => i));
  });

  it('reshapes to and from rank 0 and empty shapes', () => {
    expect(ops.reshape(ops.tensor([5]), []).shape).toEqual([]);
    expect(ops.reshape(ops.scalar(5), [1, 1]).shape).toEqual([1, 1]);
    expect(ops.reshape(ops.tensor(new Float32Array(0), [0, 3]), [-1, 6]).shape).toEqual([0, 6]);
  });

  it('refuses shapes of another size', () => {
    tidy(() => {
      const x = ops.tensor(new Float32Array(6), [2, 3]);
      expect(() => ops.reshape(x, [4, 2])).toThrow('reshape: cannot reshape [2,3] (6 elements) to [4,2]');
      expect(() => ops.reshape(x, [-1, -1])).toThrow('reshape: at most one dimension may be -1, got [-1,-1]');
      expect(() => ops.reshape(x, [-2, -3])).toThrow('reshape: new shape has an invalid shape [-2,-3]: dimensions must be non-negative integers');
      expect(() => ops.reshape(x, [4, -1])).toThrow('reshape: cannot reshape [2,3] (6 elements) to [4,-1]');
    });
  });
});
