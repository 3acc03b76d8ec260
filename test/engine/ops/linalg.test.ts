// matmul and linear against naive float64 triple loops, written from the definitions.

import { ops, tidy, UNARY_FNS, type Shape, type Tensor, type UnaryFn } from '../../kernels/engine.js';
import { compareValues, FLOAT32_ROUNDING } from '../../kernels/compare.js';
import { Random } from '../../kernels/random.js';
import { broadcastRead, count, ravel, unravel } from './reference.js';
import { ACTIVATIONS } from './activations.js';

const random = new Random(7);

function randomTensor(shape: Shape): { t: Tensor; values: Float32Array } {
  const values = random.floats(count(shape));
  return { t: ops.tensor(values.slice(), shape), values };
}

/** out[..., i, j] = Σ_p a[..., i, p] · b[..., p, j], in float64, reading a and b through the transposes and batch broadcasting. */
function naiveMatmul(a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape, transposeA: boolean, transposeB: boolean): { shape: number[]; values: number[] } {
  const ra = aShape.length;
  const rb = bShape.length;
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const k = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const batch = Array.from({ length: rank }, (_, i) => Math.max(aBatch[aBatch.length - rank + i] ?? 1, bBatch[bBatch.length - rank + i] ?? 1));
  const shape = [...batch, m, n];
  const values = new Array<number>(count(shape));
  for (let flat = 0; flat < values.length; flat++) {
    const index = unravel(flat, shape);
    const [i, j] = index.slice(-2);
    const outBatch = index.slice(0, -2);
    const aBase = broadcastRead(outBatch, aBatch) * m * k;
    const bBase = broadcastRead(outBatch, bBatch) * k * n;
    let sum = 0;
    for (let p = 0; p < k; p++) {
      const av = a[aBase + (transposeA ? ravel([p, i], [k, m]) : ravel([i, p], [m, k]))];
      const bv = b[bBase + (transposeB ? ravel([j, p], [n, k]) : ravel([p, j], [k, n]))];
      sum += av * bv;
    }
    values[flat] = sum;
  }
  return { shape, values };
}

describe('matmul', () => {
  const cases: [Shape, Shape, boolean, boolean][] = [
    [[1, 1], [1, 1], false, false],
    [[3, 5], [5, 7], false, false],
    [[17, 1], [1, 33], false, false],
    [[2, 1000], [1000, 3], false, false],
    [[4, 3, 9], [4, 9, 5], false, false],
    [[2, 3, 4, 6], [6, 5], false, false],
    [[2, 1, 4, 6], [1, 3, 6, 5], false, false],
    [[3, 4], [2, 4, 5], false, false],
    [[6, 4], [6, 3], true, false],
    [[2, 4, 6], [2, 5, 6], false, true],
    [[1, 3, 6, 4], [2, 1, 5, 6], true, true],
    [[2, 12, 7, 8], [2, 12, 7, 8], false, true],
  ];
  it.each(cases)('%j × %j (transposeA %s, transposeB %s) equals the float64 triple loop', async (aShape, bShape, transposeA, transposeB) => {
    const a = randomTensor(aShape);
    const b = randomTensor(bShape);
    const want = naiveMatmul(a.values, aShape, b.values, bShape, transposeA, transposeB);
    const out = ops.matmul(a.t, b.t, { transposeA, transposeB });
    expect(out.shape).toEqual(want.shape);
    expect(out.dtype).toBe('float32');
    expect(compareValues(want.values, await out.data(), FLOAT32_ROUNDING)).toBeNull();
    for (const t of [a.t, b.t, out]) t.dispose();
  });

  it('computes a small product exactly', async () => {
    const out = ops.matmul(ops.tensor([[1, 2, 3], [4, 5, 6]]), ops.tensor([[7, 8], [9, 10], [11, 12]]));
    expect(await out.array()).toEqual([[58, 64], [139, 154]]);
  });

  it('accumulates in float64, so large cancelling sums keep their small remainder', async () => {
    // 2^24 + 1 − 2^24 is 1 in float64 but 0 in float32.
    const out = ops.matmul(ops.tensor([[16777216, 1, -16777216]]), ops.tensor([[1], [1], [1]]));
    expect(await out.data()).toEqual(Float32Array.from([1]));
  });

  it('refuses operands that do not fit, naming both shapes', () => {
    const f = (shape: Shape) => ops.tensor(new Float32Array(count(shape)), shape);
    expect(() => ops.matmul(f([2, 3]), f([4, 5]))).toThrow('matmul: inner dimensions differ: a is [2,3], b is [4,5]');
    expect(() => ops.matmul(f([2, 3]), f([2, 3]), { transposeB: true, transposeA: true })).toThrow(
      'matmul: inner dimensions differ: a is [2,3], b is [2,3] (a transposed, b transposed)',
    );
    expect(() => ops.matmul(f([2, 2, 3]), f([3, 3, 4]))).toThrow('matmul: shapes cannot be broadcast: a batch is [2], b batch is [3]');
    expect(() => ops.matmul(f([3]), f([3, 4]))).toThrow('matmul: a must have rank ≥ 2, got [3]');
    expect(() => ops.matmul(f([2, 3]), ops.tensor([1, 2, 3], [3, 1], 'int32'))).toThrow('matmul: b must be float32, got int32 [3,1]');
    expect(() => ops.matmul(f([2, 3]), [[1], [2], [3]] as unknown as Tensor)).toThrow('matmul: b must be a Tensor, got an array');
  });
});

describe('linear', () => {
  /** y[r, o] = act(Σ_p x[r, p] · w[o, p] + bias[o]), in float64. */
  function naiveLinear(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, inFeatures: number, outFeatures: number, act: UnaryFn | null): number[] {
    const rows = x.length / inFeatures;
    const out: number[] = [];
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < outFeatures; o++) {
        let sum = bias ? bias[o] : 0;
        for (let p = 0; p < inFeatures; p++) sum += x[r * inFeatures + p] * w[o * inFeatures + p];
        // The activation reads the pre-activation as float32, as it would from a float32 tensor.
        out.push(act ? ACTIVATIONS[act](Math.fround(sum)) : sum);
      }
    }
    return out;
  }

  const cases: [Shape, number, boolean, UnaryFn | null][] = [
    [[1, 1], 1, false, null],
    [[5], 3, true, null],
    [[3, 17], 33, true, null],
    [[2, 3, 65], 7, false, null],
    [[2, 768], 5, true, null],
    ...UNARY_FNS.map((fn): [Shape, number, boolean, UnaryFn] => [[2, 3, 33], 9, true, fn]),
  ];
  it.each(cases)('x %j · [%i, in]ᵀ (bias %s, activation %s) equals the float64 definition', async (xShape, outFeatures, withBias, act) => {
    const inFeatures = xShape[xShape.length - 1];
    const x = randomTensor(xShape);
    const w = randomTensor([outFeatures, inFeatures]);
    const b = withBias ? randomTensor([outFeatures]) : undefined;
    const out = ops.linear(x.t, w.t, b?.t, act);
    expect(out.shape).toEqual([...xShape.slice(0, -1), outFeatures]);
    const want = naiveLinear(x.values, w.values, b?.values, inFeatures, outFeatures, act);
    expect(compareValues(want, await out.data(), FLOAT32_ROUNDING)).toBeNull();
    for (const t of [x.t, w.t, b?.t, out]) t?.dispose();
  });

  it('refuses mismatched weights, biases and activations', () => {
    tidy(() => {
      const x = ops.tensor(new Float32Array(6), [2, 3]);
      expect(() => ops.linear(x, ops.tensor(new Float32Array(8), [2, 4]))).toThrow(
        "linear: x's last dimension must equal weight's in_features: x is [2,3], weight is [2,4] ([out, in])",
      );
      const w = ops.tensor(new Float32Array(12), [4, 3]);
      expect(() => ops.linear(x, w, ops.tensor(new Float32Array(3), [3]))).toThrow('linear: bias must be [4] to match weight [4,3], got [3]');
      expect(() => ops.linear(x, ops.tensor(new Float32Array(3), [3]))).toThrow('linear: weight must have rank 2, got [3]');
      expect(() => ops.linear(x, w, undefined, 'swish' as UnaryFn)).toThrow(
        'linear: unknown activation "swish" (supported: gelu, gelu_new, relu, silu, tanh, sigmoid)',
      );
      expect(() => ops.linear(ops.tensor([1, 2, 3], [1, 3], 'int32'), w)).toThrow('linear: x must be float32, got int32 [1,3]');
    });
  });
});
