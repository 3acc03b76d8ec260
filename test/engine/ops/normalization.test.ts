// softmax and layerNorm against float64 definitions written here.

import { ops, tidy, type Shape, type Tensor, type TypedArray } from '../../kernels/engine.js';
import { compareValues, FLOAT32_ROUNDING } from '../../kernels/compare.js';
import { FLOAT32_MIN } from '../../kernels/parityCases.js';
import { Random } from '../../kernels/random.js';
import { broadcastRead, count, unravel } from './reference.js';

const random = new Random(13);

describe('softmax', () => {
  /**
   * p_i = 1 / Σ_j e^{s_j − s_i} over the row s = x + mask (added in float32, as Hugging Face
   * adds the mask to float32 scores). This form needs no maximum and cannot overflow into a
   * NaN for finite s; −∞ entries get 0, and a row that is all −∞ is uniform, as documented.
   */
  function definition(x: Float32Array, shape: Shape, mask?: { values: Float32Array; shape: Shape }): number[] {
    const n = shape[shape.length - 1];
    const s = Array.from(x, (v, flat) => (mask ? Math.fround(v + mask.values[broadcastRead(unravel(flat, shape), mask.shape)]) : v));
    return s.map((si, flat) => {
      const row = s.slice(flat - (flat % n), flat - (flat % n) + n);
      if (row.every((v) => v === -Infinity)) return 1 / n;
      if (si === -Infinity) return 0;
      return 1 / row.reduce((sum, sj) => (sj === -Infinity ? sum : sum + Math.exp(sj - si)), 0);
    });
  }

  async function check(shape: Shape, x: Float32Array, mask?: { values: Float32Array; shape: Shape }): Promise<TypedArray> {
    const maskTensor = mask && ops.tensor(mask.values.slice(), mask.shape);
    const out = ops.softmax(ops.tensor(x.slice(), shape), maskTensor);
    expect(out.shape).toEqual(shape);
    const got = await out.data();
    expect(compareValues(definition(x, shape, mask), got, FLOAT32_ROUNDING)).toBeNull();
    return got;
  }

  it.each([[[5]], [[3, 17]], [[2, 513]], [[4, 1]], [[2, 3, 4, 7]]] as [Shape][])('%j follows the definition', async (shape) => {
    await check(shape, random.floats(count(shape), -4, 4));
  });

  it('is stable for scores far from zero', async () => {
    await check([2, 33], random.floats(66, -100, 100));
    expect(await ops.softmax(ops.tensor([1000, 1000, -1000])).array()).toEqual([0.5, 0.5, 0]);
  });

  /** Batch 0 keeps keys 0, 1, 2 and 5; batch 1 keeps none. */
  const attentionMask = (masked: number) => ({
    values: Float32Array.from([0, 0, 0, masked, masked, 0, masked, ...Array<number>(7).fill(masked)]),
    shape: [2, 1, 1, 7],
  });

  it.each([
    ['the float32 minimum', FLOAT32_MIN],
    ['−∞', -Infinity],
  ])('drops keys masked with %s, and gives a fully masked row uniform weights', async (_, masked) => {
    const got = await check([2, 3, 4, 7], random.floats(2 * 3 * 4 * 7, -4, 4), attentionMask(masked));
    for (let row = 0; row < 24; row++) {
      const p = Array.from(got.subarray(row * 7, row * 7 + 7));
      if (row < 12) expect([p[3], p[4], p[6]]).toEqual([0, 0, 0]);
      else expect(p).toEqual(Array<number>(7).fill(Math.fround(1 / 7)));
    }
  });

  it('broadcasts masks of every lower rank and of x’s own shape', async () => {
    await check([3, 5], random.floats(15, -4, 4), { values: Float32Array.from(random.pick(15, [0, 0, -1e4])), shape: [3, 5] });
    await check([3, 5], random.floats(15, -4, 4), { values: Float32Array.from([0, FLOAT32_MIN, 0, 0, FLOAT32_MIN]), shape: [5] });
    await check([1, 12, 16, 16], random.floats(12 * 16 * 16, -4, 4), {
      values: Float32Array.from([...Array<number>(11).fill(0), ...Array<number>(5).fill(FLOAT32_MIN)]),
      shape: [1, 1, 1, 16],
    });
  });

  it('refuses masks that do not fit and non-float input', () => {
    tidy(() => {
      const x = ops.tensor(new Float32Array(6), [2, 3]);
      expect(() => ops.softmax(x, ops.tensor(new Float32Array(4), [4]))).toThrow('softmax: shapes cannot be broadcast: x is [2,3], mask is [4]');
      expect(() => ops.softmax(ops.tensor(new Float32Array(3), [1, 3]), x)).toThrow(
        'softmax: mask must broadcast to x without growing it: x is [1,3], mask is [2,3]',
      );
      expect(() => ops.softmax(x, ops.tensor([0, 1, 1], [3], 'int32'))).toThrow('softmax: mask must be float32, got int32 [3]');
      expect(() => ops.softmax(ops.tensor([1, 2], [2], 'int32'))).toThrow('softmax: x must be float32, got int32 [2]');
      expect(() => ops.softmax(ops.scalar(1))).toThrow('softmax: x must have rank ≥ 1, got []');
    });
  });
});

describe('layerNorm', () => {
  /** (v − mean)/√(var + eps)·weight + bias per row, v = x + residual rounded to float32; mean and variance in float64. */
  function definition(x: Float32Array, hidden: number, weight: Float32Array, bias: Float32Array, eps: number, residual?: Float32Array): number[] {
    const out: number[] = [];
    for (let off = 0; off < x.length; off += hidden) {
      const v = Array.from(x.subarray(off, off + hidden), (value, j) => (residual ? Math.fround(value + residual[off + j]) : value));
      const mean = v.reduce((s, a) => s + a, 0) / hidden;
      const variance = v.reduce((s, a) => s + (a - mean) ** 2, 0) / hidden;
      v.forEach((a, j) => out.push(((a - mean) / Math.sqrt(variance + eps)) * weight[j] + bias[j]));
    }
    return out;
  }

  const cases: [string, Shape, boolean, number, number, number][] = [
    ['', [7], false, 1e-5, 0, 1],
    ['', [3, 17], false, 1e-5, 0, 1],
    ['+ residual', [3, 17], true, 1e-5, 0, 1],
    ['+ residual', [2, 5, 768], true, 1e-5, 0, 1],
    ['eps 1e-12', [3, 33], false, 1e-12, 0, 1],
    ['mean 1e4, spread 0.5', [4, 64], false, 1e-5, 1e4, 0.5],
    ['mean 1e4, spread 0.5, + residual', [3, 768], true, 1e-5, 1e4, 0.5],
  ];
  it.each(cases)('%s %j follows the float64 definition', async (_, shape, withResidual, eps, center, spread) => {
    const hidden = shape[shape.length - 1];
    const x = random.floats(count(shape), center - spread, center + spread);
    const weight = random.floats(hidden, 0.5, 1.5);
    const bias = random.floats(hidden, -0.1, 0.1);
    const residual = withResidual ? random.floats(count(shape)) : undefined;
    const out = ops.layerNorm(ops.tensor(x.slice(), shape), ops.tensor(weight.slice()), ops.tensor(bias.slice()), eps, residual && ops.tensor(residual.slice(), shape));
    expect(out.shape).toEqual(shape);
    expect(compareValues(definition(x, hidden, weight, bias, eps, residual), await out.data(), FLOAT32_ROUNDING)).toBeNull();
  });

  it('normalizes a known row, and maps a constant row (zero variance) to the bias', async () => {
    const ones = ops.tensor([1, 1, 1, 1]);
    const zeros = ops.tensor([0, 0, 0, 0]);
    const y = ops.layerNorm(ops.tensor([[1, 2, 3, 4]]), ones, zeros, 1e-12);
    const s = Math.sqrt(1.25); // mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25)/4
    expect(compareValues([-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s], await y.data(), FLOAT32_ROUNDING)).toBeNull();
    const bias = ops.tensor([0.25], [1]);
    expect(await ops.layerNorm(ops.tensor([[5], [-3]]), ops.tensor([2]), bias, 1e-5).array()).toEqual([[0.25], [0.25]]);
  });

  it('refuses parameters that do not match x', () => {
    tidy(() => {
      const x = ops.tensor(new Float32Array(6), [2, 3]);
      const w = ops.tensor(new Float32Array(3));
      const b = ops.tensor(new Float32Array(3));
      expect(() => ops.layerNorm(x, ops.tensor(new Float32Array(4)), b, 1e-5)).toThrow('layerNorm: weight must be [3] to match x [2,3], got [4]');
      expect(() => ops.layerNorm(x, w, ops.tensor(new Float32Array(3), [1, 3]), 1e-5)).toThrow('layerNorm: bias must be [3] to match x [2,3], got [1,3]');
      expect(() => ops.layerNorm(x, w, b, 0)).toThrow('layerNorm: eps must be positive, got 0');
      expect(() => ops.layerNorm(x, w, b, NaN)).toThrow('layerNorm: eps must be a finite number, got NaN');
      expect(() => ops.layerNorm(x, w, b, 1e-5, ops.tensor(new Float32Array(3), [1, 3]))).toThrow(
        "layerNorm: residual must have x's shape: x is [2,3], residual is [1,3]",
      );
      expect(() => ops.layerNorm(ops.tensor([1, 2, 3], [3], 'int32'), w, b, 1e-5)).toThrow('layerNorm: x must be float32, got int32 [3]');
      expect(() => ops.layerNorm(x, w, undefined as unknown as Tensor, 1e-5)).toThrow('layerNorm: bias must be a Tensor, got undefined');
    });
  });
});
