// The wasm quantizedLinear against the CPU kernel (the executable spec of engine/quantize.ts): its
// integer sums are exact and its float steps the same float32 operations, so without an activation
// (or with ReLU) the outputs must be equal bit for bit, on one thread and on two; with GELU, within
// the SIMD GELU's bound. Shapes hit the 4×8 tile's edges, odd K (a padded k pair), ragged panels,
// rows of zeros (the output is the bias) and values near the rounding ties.

import '../../../../index.js';
import '../../../../kernels/wasm/register.js';
import { ops, quantizeWeight, tidy, type Backend, type UnaryFn } from '../../../../index.js';
import { WasmBackend } from '../../../../kernels/wasm/backend.js';
import { compareValues } from '../../compare.js';
import { fileBackends } from '../../fileBackends.js';
import { Random, seedFrom } from '../../random.js';

const backends = fileBackends({ oneThread: () => WasmBackend.create({ threads: 1 }), twoThreads: () => WasmBackend.create({ threads: 2 }) });

interface Case {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly bias: boolean;
  readonly activation: UnaryFn | null;
}

function inputs(c: Case): { x: Float32Array; w: Float32Array; b: Float32Array } {
  const r = new Random(seedFrom(JSON.stringify(c)));
  const x = r.floats(c.m * c.k, -3, 3);
  // Row 1 all zeros; row 2 multiples of 1/254 of its maximum, so x·127/a lands on ties (.5).
  if (c.m > 1) x.fill(0, c.k, 2 * c.k);
  if (c.m > 2) for (let i = 0; i < c.k; i++) x[2 * c.k + i] = i === 0 ? 2 : (r.int(-254, 254) / 254) * 2;
  return { x, w: r.floats(c.n * c.k, -0.5, 0.5), b: r.floats(c.n, -1, 1) };
}

async function run(backend: Backend, c: Case): Promise<Float32Array> {
  const { x, w, b } = inputs(c);
  const q = quantizeWeight(w, c.n, c.k);
  const out = tidy(() =>
    ops.quantizedLinear(
      ops.tensor(x, [c.m, c.k], 'float32', backend),
      ops.tensor(q.values, [c.n, c.k], 'int8', backend),
      ops.tensor(q.scales, [c.n], 'float32', backend),
      c.bias ? ops.tensor(b, [c.n], 'float32', backend) : undefined,
      c.activation,
    ),
  );
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const name = (c: Case) => `x[${c.m},${c.k}]·W[${c.n},${c.k}]ᵀ${c.bias ? ' + b' : ''}${c.activation ? `, ${c.activation}` : ''}`;

const SIZES = [1, 3, 5, 8, 17, 33];
const EXACT_CASES: Case[] = [
  ...SIZES.flatMap((m) => SIZES.map((n) => ({ m, n, k: 33, bias: true, activation: null }))),
  ...[1, 2, 7, 8, 9, 64, 769].map((k) => ({ m: 6, n: 16, k, bias: k % 2 === 0, activation: null })),
  { m: 9, n: 24, k: 40, bias: true, activation: 'relu' },
  { m: 130, n: 72, k: 768, bias: true, activation: null },
];

describe('wasm quantizedLinear equals the CPU kernel bit for bit', () => {
  for (const c of EXACT_CASES) {
    it(name(c), async () => {
      const reference = await run(backends.cpu, c);
      const one = await run(backends.oneThread, c);
      const two = await run(backends.twoThreads, c);
      expect(bits(one).equals(bits(reference))).toBe(true);
      expect(bits(two).equals(bits(reference))).toBe(true);
    });
  }
});

describe('wasm quantizedLinear with an activation', () => {
  for (const activation of ['gelu', 'tanh'] as const) {
    const c: Case = { m: 7, n: 19, k: 65, bias: true, activation };
    it(name(c), async () => {
      expect(compareValues(await run(backends.cpu, c), await run(backends.twoThreads, c), { atol: 3e-7, rtol: 2 ** -22 })).toBeNull();
    });
  }
});

describe('int8 weight storage', () => {
  it('packs a weight in place on first use and still reads back its row-major values', async () => {
    const r = new Random(5);
    const q = quantizeWeight(r.floats(16 * 6), 16, 6);
    const before = backends.oneThread.memory().bytes;
    const w = ops.tensor(q.values, [16, 6], 'int8', backends.oneThread);
    expect(backends.oneThread.memory().bytes - before).toBe(96); // one byte per weight
    const s = ops.tensor(q.scales, [16], 'float32', backends.oneThread);
    const x = ops.tensor(r.floats(12), [2, 6], 'float32', backends.oneThread);
    const y = ops.quantizedLinear(x, w, s);
    expect(backends.oneThread.memory().bytes - before).toBe(96 + 64 + 48 + 128); // packed in place: no copy
    expect([...(await w.data())]).toEqual([...q.values]);
    for (const t of [w, s, x, y]) t.dispose();
  });
});
