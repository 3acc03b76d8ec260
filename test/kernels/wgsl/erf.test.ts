// WGSL has no erf, so activations.wgsl.ts brings its own; the exact GELU rests on it. Both are
// checked on a dense grid against the CPU spec's float64 erf (accurate to ~1e-15), at the float32
// grid points the GPU actually sees.

import '../../../kernels/wgsl/register.js';
import { ops } from '../../../index.js';
import { erf, unaryFunctions } from '../../../kernels/cpu/activations.js';
import { activationsWgsl } from '../../../kernels/wgsl/activations.wgsl.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { lineGrid } from '../../../kernels/wgsl/grid.js';
import { MAP_WORKGROUP, mapWgsl } from '../../../kernels/wgsl/map.wgsl.js';
import { Uniforms } from '../../../kernels/wgsl/uniforms.js';

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await createWebGpuBackend();
});
afterAll(async () => {
  await gpu.dispose();
});

/** `count` float32 points evenly spaced over [lo, hi]. */
function grid(lo: number, hi: number, count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
}

/** Runs the WGSL expression `f(x)` over `xs` on the GPU. */
async function evaluate(expression: string, xs: Float32Array): Promise<Float32Array> {
  const key = `test: ${expression}`;
  const pipeline = gpu.pipeline(key, () => mapWgsl({ input: 'f32', output: 'f32', helpers: activationsWgsl, expression }));
  const x = gpu.upload(xs, 'float32');
  const y = gpu.output({ shape: [xs.length], dtype: 'float32', size: xs.length });
  gpu.dispatch(key, pipeline, new Uniforms().u32(xs.length).f32(1).f32(0), [x, y], lineGrid(xs.length, MAP_WORKGROUP));
  try {
    return (await gpu.read(y, 'float32', xs.length)) as Float32Array;
  } finally {
    gpu.free(x);
    gpu.free(y);
  }
}

/** The largest |actual − f(x)| over the grid, and where. */
function worst(xs: Float32Array, actual: Float32Array, f: (x: number) => number): { error: number; at: number } {
  let error = 0;
  let at = NaN;
  xs.forEach((x, i) => {
    const e = Math.abs(actual[i] - f(x));
    if (e > error) {
      error = e;
      at = x;
    }
  });
  return { error, at };
}

describe('erf in WGSL', () => {
  it('is within 1.5e-7 of the true erf on 60,001 points in [−6, 6]', async () => {
    // Measured 8.6e-8 on SwiftShader. 1.5e-7 (2.5 float32 ulps of values near 1) leaves room for
    // a GPU's less accurate exp in the |x| ≥ 1 piece.
    const xs = grid(-6, 6, 60_001);
    const result = worst(xs, await evaluate('erf(x)', xs), erf);
    expect(result.error).toBeLessThan(1.5e-7);
  });

  it('is odd, exact at 0, and within [−1, 1]', async () => {
    const xs = Float32Array.from([0, 0.5, 0.99999, 1, 2.5, 3.9, 3.92, 10, 1e30]);
    const both = new Float32Array([...xs, ...xs.map((x) => -x)]);
    const values = await evaluate('erf(x)', both);
    for (let i = 0; i < xs.length; i++) expect(values[xs.length + i]).toBe(-values[i]);
    expect(values[0]).toBe(0);
    for (const v of values) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });
});

describe('GELU on a dense grid', () => {
  // x·Φ(x) inherits erf's error scaled by x/2, plus a few roundings of the result.
  it.each([
    ['gelu', 4e-7],
    ['gelu_new', 4e-7],
  ] as const)('%s is within %d·max(1, |x|) of the CPU spec on [−12, 12]', async (fn, tolerance) => {
    const xs = grid(-12, 12, 48_001);
    const x = ops.tensor(xs, [xs.length], 'float32', gpu);
    const y = ops.unary(x, fn);
    const actual = (await y.data()) as Float32Array;
    x.dispose();
    y.dispose();
    const f = unaryFunctions[fn];
    const excess = xs.reduce((most, v, i) => Math.max(most, Math.abs(actual[i] - f(v)) / Math.max(1, Math.abs(v))), 0);
    expect(excess).toBeLessThan(tolerance);
  });
});
