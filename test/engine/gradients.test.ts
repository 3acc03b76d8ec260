// Every gradient rule against finite differences. The loss is L = Σ w ⊙ f(inputs) with fixed random
// weights w, summed on the host in float64; backward() gives ∂L/∂input analytically, and the central
// difference (L(x + h) − L(x − h)) / (2h) numerically, one element at a time. The forward runs in
// float32, so the numerical side carries ~1e-5 of rounding noise (float32 outputs of size ~1,
// divided by 2h = 2e-2) and O(h²) ≈ 1e-5 of truncation: a tolerance of 2e-3·max(1, |g|) separates
// that from any wrong rule, whose errors are of the order of the gradient itself.

import { backward, liveCounts, noGrad, ops, tapeLength, tidy, type Shape, type Tensor } from '../kernels/engine.js';
import { Random } from '../kernels/random.js';

const random = new Random(2024);
const H = 1e-2;
const TOLERANCE = 2e-3;

interface Input {
  readonly shape: Shape;
  /** Values (default: uniform in [−1, 1)); int32 inputs never require gradients. */
  readonly values?: Float32Array | Int32Array;
  readonly grad?: boolean;
}

function makeInputs(inputs: readonly Input[]): (Float32Array | Int32Array)[] {
  return inputs.map((input) => input.values?.slice() ?? random.floats(input.shape.reduce((p, d) => p * d, 1)));
}

function upload(values: readonly (Float32Array | Int32Array)[], inputs: readonly Input[]): Tensor[] {
  return values.map((v, i) => ops.tensor(v.slice(), inputs[i].shape));
}

/** L = Σ w ⊙ y in float64 on the host. */
function weightedSum(y: ArrayLike<number>, w: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += w[i] * y[i];
  return sum;
}

/**
 * Checks f's gradient with respect to every input marked `grad` and returns the analytic
 * gradients (for checks beyond the finite differences).
 */
async function checkGradient(f: (...xs: Tensor[]) => Tensor, inputs: readonly Input[], skip?: (input: number, element: number) => boolean): Promise<Float32Array[]> {
  const before = liveCounts();
  const values = makeInputs(inputs);
  let outShape: Shape = [];
  const evaluate = async (vs: readonly (Float32Array | Int32Array)[]): Promise<Float32Array> => {
    const y = noGrad(() => tidy(() => f(...upload(vs, inputs))));
    outShape = y.shape;
    const data = (await y.data()) as Float32Array;
    y.dispose();
    return data;
  };
  const w = random.floats((await evaluate(values)).length);

  const leaves = upload(values, inputs);
  leaves.forEach((t, i) => (t.requiresGrad = inputs[i].grad ?? false));
  const loss = tidy(() => ops.sumTo(ops.mul(f(...leaves), ops.tensor(w.slice(), outShape)), []));
  backward(loss);
  loss.dispose();
  expect(tapeLength()).toBe(0);
  const analytic: Float32Array[] = [];
  for (const [i, t] of leaves.entries()) {
    if (!inputs[i].grad) continue;
    expect(t.grad?.shape).toEqual(t.shape);
    const g = (await t.grad!.data()) as Float32Array;
    analytic.push(g);
    for (let j = 0; j < g.length; j++) {
      if (skip?.(i, j)) continue;
      const plus = values.map((v) => v.slice());
      const minus = values.map((v) => v.slice());
      plus[i][j] = Math.fround(values[i][j] + H);
      minus[i][j] = Math.fround(values[i][j] - H);
      const numeric = (weightedSum(await evaluate(plus), w) - weightedSum(await evaluate(minus), w)) / (plus[i][j] - minus[i][j]);
      const error = Math.abs(g[j] - numeric);
      if (!(error <= TOLERANCE * Math.max(1, Math.abs(numeric)))) {
        throw new Error(`input ${i} element ${j}: backward gives ${g[j]}, finite differences ${numeric}`);
      }
    }
    t.grad!.dispose();
  }
  for (const t of leaves) t.dispose();
  // Every saved intermediate and every gradient but the leaves' was released by backward.
  expect(liveCounts()).toEqual(before);
  return analytic;
}

describe('gradient rules against finite differences', () => {
  it.each(['add', 'sub', 'mul', 'div'] as const)('%s, broadcasting both ways', async (op) => {
    const fn = { add: ops.add, sub: ops.sub, mul: ops.mul, div: ops.div }[op];
    const denominator = Float32Array.from(random.floats(3), (v) => v + Math.sign(v) * 1.5); // kept away from 0
    await checkGradient((a, b) => fn(a, b), [{ shape: [2, 1, 4], grad: true }, { shape: [3, 1], values: op === 'div' ? denominator : undefined, grad: true }]);
  });

  it('scale', async () => {
    await checkGradient((x) => ops.scale(x, -1.7, 0.3), [{ shape: [3, 4], grad: true }]);
  });

  it.each(['gelu', 'gelu_new', 'tanh', 'sigmoid', 'silu', 'relu'] as const)('unary %s', async (fn) => {
    // relu's kink at 0 is kept further than h from every input.
    const values = Float32Array.from(random.floats(12), (v) => (fn === 'relu' ? v + Math.sign(v) * 0.05 : v * 3));
    await checkGradient((x) => ops.unary(x, fn), [{ shape: [3, 4], values, grad: true }]);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matmul, transposeA %s transposeB %s, b broadcast over the batch', async (transposeA, transposeB) => {
    const a = transposeA ? [2, 4, 3] : [2, 3, 4];
    const b = transposeB ? [5, 4] : [4, 5];
    await checkGradient((x, y) => ops.matmul(x, y, { transposeA, transposeB }), [{ shape: a, grad: true }, { shape: b, grad: true }]);
  });

  it.each([null, 'gelu', 'tanh'] as const)('linear with activation %s on [batch, seq, in]', async (activation) => {
    await checkGradient((x, w, b) => ops.linear(x, w, b, activation), [{ shape: [2, 3, 4], grad: true }, { shape: [5, 4], grad: true }, { shape: [5], grad: true }]);
  });

  it('softmax with an additive mask that also requires a gradient', async () => {
    await checkGradient((x, m) => ops.softmax(ops.scale(x, 2), m), [{ shape: [2, 3, 4], grad: true }, { shape: [2, 1, 4], grad: true }]);
  });

  it('softmax ignores masked keys (the float32 minimum) and gives them no gradient', async () => {
    const mask = Float32Array.from([0, 0, -3.4028234663852886e38, 0]);
    const [dx] = await checkGradient((x, m) => ops.softmax(x, m), [{ shape: [3, 4], grad: true }, { shape: [4], values: mask }]);
    expect([dx[2], dx[6], dx[10]].map(Math.abs)).toEqual([0, 0, 0]); // ±0
  });

  it('logSoftmax', async () => {
    await checkGradient((x) => ops.logSoftmax(ops.scale(x, 3)), [{ shape: [3, 5], grad: true }]);
  });

  it('layerNorm with a residual', async () => {
    await checkGradient((x, w, b, r) => ops.layerNorm(x, w, b, 1e-5, r), [
      { shape: [2, 3, 6], grad: true },
      { shape: [6], grad: true },
      { shape: [6], grad: true },
      { shape: [2, 3, 6], grad: true },
    ]);
  });

  it('gather: rows used twice sum, the padding row gets nothing, unused rows get zeros', async () => {
    const ids = Int32Array.from([0, 2, 2, 1, 4, 2]);
    const [dtable] = await checkGradient((table, i) => ops.gather(table, i, { paddingIdx: 1 }), [{ shape: [5, 3], grad: true }, { shape: [2, 3], values: ids }], (_input, element) => Math.floor(element / 3) === 1);
    expect(Array.from(dtable.subarray(3, 6))).toEqual([0, 0, 0]); // row 1 is padding
    expect(Array.from(dtable.subarray(9, 12))).toEqual([0, 0, 0]); // row 3 is never looked up
  });

  it('slice, select and concat', async () => {
    await checkGradient((x, y) => ops.concat([ops.slice(x, [1, 0, 2], [1, 3, 2]), ops.reshape(ops.select(y, 1, 1), [1, 3, 2])], 2), [
      { shape: [2, 3, 4], grad: true },
      { shape: [1, 2, 3, 2], grad: true },
    ]);
  });

  it('permute and reshape', async () => {
    await checkGradient((x) => ops.reshape(ops.permute(x, [2, 0, 1]), [4, 6]), [{ shape: [2, 3, 4], grad: true }]);
  });

  it('sumTo', async () => {
    await checkGradient((x) => ops.sumTo(x, [3, 1]), [{ shape: [2, 3, 4], grad: true }]);
  });

  it('attention takes the composite path and differentiates through it', async () => {
    await checkGradient((q, k, v, m) => ops.attention(q, k, v, m, 0.5), [
      { shape: [1, 2, 3, 4], grad: true },
      { shape: [1, 2, 5, 4], grad: true },
      { shape: [1, 2, 5, 3], grad: true },
      { shape: [1, 1, 1, 5], values: Float32Array.from([0, 0, 0, -3.4028234663852886e38, 0]) },
    ]);
  });
});

describe('the tape', () => {
  it('records nothing when no input requires a gradient, and refuses a loss without one', () => {
    const x = ops.tensor([1, 2, 3]);
    const y = ops.gelu(ops.scale(x, 2));
    expect(tapeLength()).toBe(0);
    expect(() => backward(ops.sumTo(y, []))).toThrow('backward: the loss does not depend on any tensor that requires a gradient');
    x.dispose();
    y.dispose();
  });

  it('accumulates into .grad across backward calls, as PyTorch does', async () => {
    const x = ops.tensor([1, -2, 3]);
    x.requiresGrad = true;
    for (let i = 0; i < 2; i++) tidy(() => backward(ops.sumTo(ops.scale(x, 3), [])));
    expect(Array.from(await x.grad!.data())).toEqual([6, 6, 6]);
    x.grad!.dispose();
    x.dispose();
  });

  it('refuses an op without a gradient rule on a tensor that requires one', () => {
    const x = ops.tensor([1, 2, 3]);
    x.requiresGrad = true;
    expect(() => ops.topk(x, 2)).toThrow('topk: has no gradient rule');
    x.dispose();
  });
});
