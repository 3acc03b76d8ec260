// The wasm backend's own kernels against the CPU reference, on shapes chosen to hit every edge of
// the blocking: sizes around the 4×8 micro-tile and the 4-wide vectors (1, 3, 17, 33, 65, 127),
// empty axes, and long reductions. Every case also runs on one thread and on two, and the two
// results must be bit-identical: work is split by output rows and columns, never inside a sum.

import '../../../index.js';
import '../../../kernels/wasm/register.js';
import { ops, tidy, type Backend, type Shape, type Tensor, type UnaryFn } from '../../../index.js';
import { unaryFunctions } from '../../../kernels/cpu/activations.js';
import { WasmBackend } from '../../../kernels/wasm/backend.js';
import { compareValues, DEFAULT_TOLERANCE, type Tolerance } from '../compare.js';
import { fileBackends } from '../fileBackends.js';
import { Random, seedFrom } from '../random.js';

interface Input {
  readonly data: Float32Array | Int32Array;
  readonly shape: Shape;
}

interface Case {
  readonly name: string;
  readonly inputs: (random: Random) => Input[];
  readonly run: (inputs: Tensor[]) => Tensor;
  readonly tolerance?: Tolerance;
}

const FLOAT32_MIN = -3.4028234663852886e38;
const SIZES = [1, 3, 17, 33, 65, 127];

const count = (shape: Shape) => shape.reduce((p, d) => p * d, 1);
const floats = (r: Random, shape: Shape, lo = -1, hi = 1): Input => ({ data: r.floats(count(shape), lo, hi), shape });

const backends = fileBackends({ oneThread: () => WasmBackend.create({ threads: 1 }), twoThreads: () => WasmBackend.create({ threads: 2 }) });

async function evaluate(backend: Backend, inputs: readonly Input[], run: Case['run']): Promise<Float32Array> {
  const out = tidy(() => run(inputs.map((i) => ops.tensor(i.data.slice(), i.shape, undefined, backend))));
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

function check(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.name, async () => {
      const inputs = c.inputs(new Random(seedFrom(c.name)));
      const reference = await evaluate(backends.cpu, inputs, c.run);
      const one = await evaluate(backends.oneThread, inputs, c.run);
      const two = await evaluate(backends.twoThreads, inputs, c.run);
      expect(compareValues(reference, two, c.tolerance ?? DEFAULT_TOLERANCE)).toBeNull();
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    });
  }
}

function linearCase(m: number, n: number, k: number, bias: boolean, activation: UnaryFn | null = null): Case {
  return {
    name: `linear x[${m},${k}]·W[${n},${k}]ᵀ${bias ? ' + b' : ''}${activation ? `, ${activation}` : ''}`,
    inputs: (r) => [floats(r, [m, k]), floats(r, [n, k]), ...(bias ? [floats(r, [n])] : [])],
    run: ([x, w, b]) => ops.linear(x, w, b, activation),
  };
}

describe('linear', () => {
  check(SIZES.flatMap((m) => SIZES.map((n) => linearCase(m, n, 33, true))));
  check([1, 3, 4, 17, 65, 127, 1031, 2053].map((k) => linearCase(17, 33, k, true, 'gelu')));
  check((['relu', 'gelu', 'gelu_new', 'tanh', 'sigmoid', 'silu'] as const).map((fn) => linearCase(65, 127, 257, true, fn)));
  check([linearCase(33, 65, 127, false), linearCase(5, 7, 0, true, 'gelu'), linearCase(0, 7, 5, true), linearCase(5, 0, 7, true)]);
  check([
    {
      name: 'linear x[2,3,33] (leading axes are rows)',
      inputs: (r) => [floats(r, [2, 3, 33]), floats(r, [17, 33]), floats(r, [17])],
      run: ([x, w, b]) => ops.linear(x, w, b),
    },
  ]);
});

function matmulCase(aShape: Shape, bShape: Shape, transposeB = false, transposeA = false): Case {
  return {
    name: `matmul [${aShape}] × [${bShape}]${transposeA ? ' (transposeA)' : ''}${transposeB ? ' (transposeB)' : ''}`,
    inputs: (r) => [floats(r, aShape), floats(r, bShape)],
    run: ([a, b]) => ops.matmul(a, b, { transposeA, transposeB }),
  };
}

describe('matmul', () => {
  check(
    [
      [1, 1, 1],
      [3, 17, 33],
      [17, 33, 3],
      [33, 127, 65],
      [127, 65, 17],
      [65, 3, 1031],
    ].flatMap(([m, n, k]) => [matmulCase([2, m, k], [2, k, n]), matmulCase([2, m, k], [2, n, k], true)]),
  );
  check([
    matmulCase([2, 1, 17, 9], [1, 3, 9, 33]),
    matmulCase([2, 3, 17, 9], [33, 9], true),
    matmulCase([3, 33, 17], [3, 33, 5], false, true),
    matmulCase([0, 5, 7], [0, 7, 3]),
    // RoBERTa-base attention for 128 tokens: q·kᵀ, then probabilities · v.
    matmulCase([1, 12, 128, 64], [1, 12, 128, 64], true),
    matmulCase([1, 12, 128, 128], [1, 12, 128, 64]),
  ]);
});

function softmaxCase(shape: Shape, mask?: (r: Random) => Input): Case {
  return {
    name: `softmax [${shape}]${mask ? ' + mask' : ''}`,
    inputs: (r) => [floats(r, shape, -20, 20), ...(mask ? [mask(r)] : [])],
    run: ([x, m]) => ops.softmax(x, m),
  };
}

/** [batch, 1, 1, keys]: batch 0 keeps the odd keys, batch 1 masks every key. */
const paddingMask = (keys: number, masked: number) => (): Input => ({
  data: Float32Array.from({ length: 2 * keys }, (_, i) => (i < keys && i % 2 === 1 ? 0 : masked)),
  shape: [2, 1, 1, keys],
});

describe('softmax', () => {
  check([1, 3, 4, 5, 17, 128, 129].map((n) => softmaxCase([7, n])));
  check([5, 128, 131].flatMap((keys) => [softmaxCase([2, 3, 4, keys], paddingMask(keys, FLOAT32_MIN)), softmaxCase([2, 3, 4, keys], paddingMask(keys, -Infinity))]));
  check([
    softmaxCase([3, 67], (r) => ({ data: Float32Array.from(r.pick(3 * 67, [0, 0, -1e4])), shape: [3, 67] })),
    softmaxCase([4, 33], (r) => floats(r, [4, 1], -5, 5)), // one mask value per row: the reference path
    softmaxCase([2, 12, 33, 129], paddingMask(129, FLOAT32_MIN)),
  ]);
});

function layerNormCase(shape: Shape, residual: boolean, eps = 1e-5, center = 0): Case {
  const n = shape[shape.length - 1];
  return {
    name: `layerNorm [${shape}]${residual ? ' + residual' : ''}${eps !== 1e-5 ? ` eps ${eps}` : ''}${center ? ` around ${center}` : ''}`,
    inputs: (r) => [floats(r, shape, center - 1, center + 1), floats(r, [n], 0.5, 1.5), floats(r, [n], -0.1, 0.1), ...(residual ? [floats(r, shape)] : [])],
    run: ([x, g, b, res]) => ops.layerNorm(x, g, b, eps, res),
  };
}

describe('layerNorm', () => {
  check([1, 3, 4, 5, 17, 768, 771].flatMap((n) => [layerNormCase([5, n], false), layerNormCase([5, n], true)]));
  check([layerNormCase([3, 33], false, 1e-12), layerNormCase([4, 130], true, 1e-5, 1e4), layerNormCase([2, 64, 769], true)]);
});

function permuteCase(shape: Shape, perm: readonly number[], int = false): Case {
  return {
    name: `permute ${int ? 'int32 ' : ''}[${shape}] by [${perm}]`,
    inputs: (r) => [int ? { data: r.ints(count(shape), -1000, 1000), shape } : floats(r, shape)],
    run: ([x]) => ops.permute(x, perm),
  };
}

describe('permute', () => {
  check([
    permuteCase([2, 7, 12, 64], [0, 2, 1, 3]),
    permuteCase([2, 3, 4, 8], [0, 2, 1, 3]),
    permuteCase([3, 4, 5, 16], [1, 0, 2, 3]),
    permuteCase([2, 3, 4, 5, 6], [1, 0, 2, 3, 4]),
    permuteCase([2, 3, 4, 5], [0, 2, 1, 3]), // runs of 5: the reference path
    permuteCase([3, 0, 16], [1, 0, 2]),
    permuteCase([4, 5, 32], [1, 0, 2], true),
  ]);
});

describe('GELU in the matrix kernel epilogue', () => {
  it('is within 2e-7 plus a rounding of the float64 definition over [−12, 12]', async () => {
    const x = Float32Array.from({ length: 24001 }, (_, i) => -12 + i / 1000);
    const one = Float32Array.of(1);
    const y = await evaluate(backends.twoThreads, [{ data: x, shape: [x.length, 1] }, { data: one, shape: [1, 1] }], ([t, w]) => ops.linear(t, w, undefined, 'gelu'));
    const expected = Array.from(x, (v) => unaryFunctions.gelu(v));
    expect(compareValues(expected, y, { atol: 2e-7, rtol: 2 ** -24 })).toBeNull();
  });
});
