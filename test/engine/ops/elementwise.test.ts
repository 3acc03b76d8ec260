// Broadcast binary ops, scale, the activations and cast, against definitions written here.

import { BINARY_OPS, ops, tidy, UNARY_FNS, type BinaryOp, type Shape, type Tensor, type UnaryFn } from '../../kernels/engine.js';
import { compareValues, EXACT, FLOAT32_ROUNDING } from '../../kernels/compare.js';
import { Random } from '../../kernels/random.js';
import { ACTIVATIONS, erfByIntegration } from './activations.js';
import { broadcastRead, count, unravel } from './reference.js';

const random = new Random(11);

describe('the test reference for erf', () => {
  it.each([
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [3, 0.9999779095030014],
  ])('erf(%d) matches the published value (to 1e-14, far below float32 resolution)', (z, want) => {
    expect(Math.abs(erfByIntegration(z) - want)).toBeLessThan(1e-14);
    expect(Math.abs(erfByIntegration(-z) + want)).toBeLessThan(1e-14);
  });
});

describe('binary ops', () => {
  const FLOAT: Record<BinaryOp, (x: number, y: number) => number> = {
    add: (x, y) => x + y,
    sub: (x, y) => x - y,
    mul: (x, y) => x * y,
    div: (x, y) => x / y,
    equal: (x, y) => Number(x === y),
    notEqual: (x, y) => Number(x !== y),
  };
  // int32 arithmetic as two's complement: exact in float64 (|x·y| < 2^53 here), then reduced mod 2^32.
  const wrap = (v: number) => Number(BigInt.asIntN(32, BigInt(v)));
  const INT: Record<BinaryOp, (x: number, y: number) => number> = {
    add: (x, y) => wrap(x + y),
    sub: (x, y) => wrap(x - y),
    mul: (x, y) => wrap(x * y),
    div: (x, y) => (y === 0 ? 0 : wrap(Math.trunc(x / y))),
    equal: FLOAT.equal,
    notEqual: FLOAT.notEqual,
  };

  /** The broadcast output of `fn` applied elementwise, by the definition: read each input at its broadcast index. */
  function broadcastDefinition(a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, fn: (x: number, y: number) => number) {
    const rank = Math.max(aShape.length, bShape.length);
    const shape = Array.from({ length: rank }, (_, i) => Math.max(aShape[aShape.length - rank + i] ?? 1, bShape[bShape.length - rank + i] ?? 1));
    const values = Array.from({ length: count(shape) }, (_, flat) => {
      const index = unravel(flat, shape);
      return fn(a[broadcastRead(index, aShape)], b[broadcastRead(index, bShape)]);
    });
    return { shape, values };
  }

  const shapes: [Shape, Shape][] = [
    [[3, 5], [3, 5]],
    [[2, 1, 5], [3, 1]],
    [[4, 1], [1, 7]],
    [[2, 3, 4], []],
    [[], [5]],
    [[1], [1]],
    [[1, 12, 1, 16], [2, 1, 7, 1]],
  ];
  const opNames = Object.keys(FLOAT) as BinaryOp[];

  it.each(opNames.flatMap((op) => shapes.map(([a, b]) => [op, a, b] as const)))('float32 %s of %j and %j follows the definition', async (op, aShape, bShape) => {
    // Values from a small set so `equal` sees real ties; divisors kept away from zero.
    const a = Float32Array.from(random.pick(count(aShape), [-2, -1, 0, 0.5, 1, 3]));
    const b = Float32Array.from(random.pick(count(bShape), op === 'div' ? [-2, -0.5, 0.25, 1, 3] : [-2, -1, 0, 0.5, 1, 3]));
    const want = broadcastDefinition(a, aShape, b, bShape, FLOAT[op]);
    const out = BINARY_OPS[op](ops.tensor(a, aShape), ops.tensor(b, bShape));
    expect(out.shape).toEqual(want.shape);
    expect(out.dtype).toBe('float32');
    expect(compareValues(want.values, await out.data(), FLOAT32_ROUNDING)).toBeNull();
  });

  it.each(opNames.flatMap((op) => shapes.slice(0, 4).map(([a, b]) => [op, a, b] as const)))('int32 %s of %j and %j follows the definition', async (op, aShape, bShape) => {
    const a = random.ints(count(aShape), -40, 40);
    const b = random.ints(count(bShape), -5, 5);
    const want = broadcastDefinition(a, aShape, b, bShape, INT[op]);
    const out = BINARY_OPS[op](ops.tensor(a, aShape), ops.tensor(b, bShape));
    expect(out.dtype).toBe('int32');
    expect(compareValues(want.values, await out.data(), EXACT)).toBeNull();
  });

  it('wraps int32 overflow and truncates int32 division toward zero (÷0 gives 0)', async () => {
    const a = ops.tensor([2147483647, -2147483648, 65536, -7, 7, 5], [6], 'int32');
    const b = ops.tensor([1, -1, 65536, 2, -2, 0], [6], 'int32');
    expect(await ops.add(a, b).array()).toEqual([-2147483648, 2147483647, 131072, -5, 5, 5]);
    expect(await ops.mul(a, b).array()).toEqual([2147483647, -2147483648, 0, -14, -14, 0]);
    expect(await ops.div(a, b).array()).toEqual([2147483647, -2147483648, 1, -3, -3, 0]);
  });

  it('turns a number operand into a scalar of the other operand’s dtype, on either side', async () => {
    const x = ops.tensor([1, 2, 4], [3]);
    expect(await ops.sub(1, x).array()).toEqual([0, -1, -3]);
    expect(await ops.div(x, 2).array()).toEqual([0.5, 1, 2]);
    const ids = ops.tensor([0, 1, 2], [3], 'int32');
    const mask = ops.notEqual(ids, 1);
    expect(mask.dtype).toBe('int32');
    expect(await mask.array()).toEqual([1, 0, 1]);
  });

  it('refuses operands it cannot combine', () => {
    tidy(() => {
      const x = ops.tensor(new Float32Array(6), [2, 3]);
      expect(() => ops.add(x, ops.tensor(new Float32Array(4), [4]))).toThrow('add: shapes cannot be broadcast: a is [2,3], b is [4]');
      expect(() => ops.mul(x, ops.tensor([1, 2, 3], [3], 'int32'))).toThrow('mul: operands must have the same dtype: a is float32, b is int32');
      expect(() => ops.sub(1, 2)).toThrow('sub: at least one operand must be a Tensor');
      expect(() => ops.div(x, null as unknown as Tensor)).toThrow('div: b must be a Tensor, got null');
    });
  });
});

describe('scale', () => {
  it.each([
    [[2, 1, 7], 0.125, 0],
    [[5, 33], -3, 1.5],
    [[], 2, -1],
  ] as [Shape, number, number][])('%j · %d + %d follows the definition', async (shape, factor, shift) => {
    const x = random.floats(count(shape), -8, 8);
    const out = ops.scale(ops.tensor(x, shape), factor, shift);
    expect(out.shape).toEqual(shape);
    expect(compareValues(Array.from(x, (v) => v * factor + shift), await out.data(), FLOAT32_ROUNDING)).toBeNull();
  });

  it('refuses non-finite factors and int32 input', () => {
    tidy(() => {
      const x = ops.tensor([1, 2], [2]);
      expect(() => ops.scale(x, NaN)).toThrow('scale: factor must be a finite number, got NaN');
      expect(() => ops.scale(x, 1, Infinity)).toThrow('scale: shift must be a finite number, got Infinity');
      expect(() => ops.scale(ops.tensor([1], [1], 'int32'), 2)).toThrow('scale: x must be float32, got int32 [1]');
    });
  });
});

describe('activations', () => {
  const EXTREMES = [-88, -30, -10, -3, -1e-3, -1e-8, 0, 1e-8, 1e-3, 3, 10, 30, 88];
  const NAMED: Record<UnaryFn, (x: Tensor) => Tensor> = {
    gelu: ops.gelu,
    gelu_new: ops.geluNew,
    relu: ops.relu,
    silu: (x) => ops.unary(x, 'silu'),
    tanh: ops.tanh,
    sigmoid: ops.sigmoid,
  };

  it.each(UNARY_FNS)('%s follows its definition on [−8, 8) and at the extremes', async (fn) => {
    const x = Float32Array.of(...random.floats(200, -8, 8), ...EXTREMES);
    const out = NAMED[fn](ops.tensor(x, [x.length]));
    expect(out.shape).toEqual([x.length]);
    expect(compareValues(Array.from(x, ACTIVATIONS[fn]), await out.data(), FLOAT32_ROUNDING)).toBeNull();
  });

  it('gives the textbook values', async () => {
    // Φ(1) = 0.8413447460685429, so gelu(1) = Φ(1) and gelu(−1) = Φ(1) − 1.
    expect(compareValues([0.8413447460685429, -0.15865525393145707], await ops.gelu(ops.tensor([1, -1])).data(), FLOAT32_ROUNDING)).toBeNull();
    expect(await ops.relu(ops.tensor([-2, 0, 2])).array()).toEqual([0, 0, 2]);
    expect(await ops.sigmoid(ops.tensor([0])).array()).toEqual([0.5]);
  });

  it('refuses int32 input and unknown functions', () => {
    tidy(() => {
      expect(() => ops.gelu(ops.tensor([1], [1], 'int32'))).toThrow('gelu: x must be float32, got int32 [1]');
      expect(() => ops.unary(ops.tensor([1]), 'swish' as UnaryFn)).toThrow('unary: unknown activation "swish" (supported: gelu, gelu_new, relu, silu, tanh, sigmoid)');
    });
  });
});

describe('cast', () => {
  it('truncates float32 toward zero and saturates at the int32 range (NaN gives 0)', async () => {
    const x = ops.tensor([2.5, -2.5, 0.7, -0.7, -0, 1e9, 3e9, -3e9, Infinity, -Infinity, NaN]);
    const out = ops.cast(x, 'int32');
    expect(out.dtype).toBe('int32');
    expect(await out.array()).toEqual([2, -2, 0, 0, 0, 1000000000, 2147483647, -2147483648, 2147483647, -2147483648, 0]);
  });

  it('rounds int32 to the nearest float32', async () => {
    const out = ops.cast(ops.tensor([7, -3, 16777217, 2147483647], [4], 'int32'), 'float32');
    expect(out.dtype).toBe('float32');
    expect(await out.array()).toEqual([7, -3, 16777216, 2147483648]);
  });

  it('copies when the dtype does not change', async () => {
    const x = ops.tensor([[1.5, -2]]);
    const y = ops.cast(x, 'float32');
    x.dispose();
    expect(await y.array()).toEqual([[1.5, -2]]);
  });

  it('refuses unknown dtypes', () => {
    expect(() => ops.cast(ops.tensor([1]), 'float64' as 'float32')).toThrow('cast: unsupported dtype float64 (supported: float32, int32)');
  });
});
