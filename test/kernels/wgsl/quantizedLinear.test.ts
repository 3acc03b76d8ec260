// quantizedLinear on WebGPU against the CPU spec (engine/quantize.ts, kernels/cpu/quantizedLinear.ts).
// The integer parts must agree exactly: each row's int8 values and scale (read from the kernel's
// first step), and the int32 sums — without an activation the output is the same float32 steps
// on the same integers, so it must equal the CPU's bit for bit. Both int8 paths run: dot4I8Packed
// where the WGSL offers it (SwiftShader does) and the portable unpacking, forced; and both
// tunings' tile sizes.

import '../../../kernels/wgsl/register.js';
import { getBackendByName, liveCounts, ops, tidy, type Backend, type UnaryFn } from '../../../index.js';
import { quantizeActivationRow, quantizeWeight } from '../../../engine/quantize.js';
import type { WebGpuBackend, WebGpuOptions } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { lineGrid } from '../../../kernels/wgsl/grid.js';
import { recordQuantizeRows } from '../../../kernels/wgsl/quantizedLinear.js';
import { correctlyRoundedDivideWgsl } from '../../../kernels/wgsl/quantizeRows.wgsl.js';
import { Uniforms } from '../../../kernels/wgsl/uniforms.js';
import { chooseWeightPaths, PACKED_DOT_LANGUAGE_FEATURE } from '../../../kernels/wgsl/weightPaths.js';
import { compareValues, EXACT } from '../compare.js';
import { Random, seedFrom } from '../random.js';

interface ProductCase {
  readonly xShape: readonly number[];
  readonly outFeatures: number;
  readonly bias: boolean;
  readonly activation: UnaryFn | null;
  /** Rows of x set to zero (their output is the bias), and rows of W (their scale is 1). */
  readonly zeroRows?: readonly number[];
  readonly zeroWeightRows?: readonly number[];
}

// Odd `in` (weight rows start mid-word, x_q rows padded), in under one word and over several
// tiles, M and N hanging over the tiles, a batch axis, all-zero rows on both sides.
const CASES: ProductCase[] = [
  { xShape: [7, 37], outFeatures: 67, bias: false, activation: null, zeroRows: [2], zeroWeightRows: [5, 66] },
  { xShape: [2, 3, 37], outFeatures: 9, bias: true, activation: null, zeroRows: [4] },
  { xShape: [70, 3], outFeatures: 5, bias: true, activation: null },
  { xShape: [33, 64], outFeatures: 20, bias: false, activation: null, zeroWeightRows: [0] },
  { xShape: [5, 70], outFeatures: 18, bias: true, activation: 'gelu', zeroRows: [0] },
];

const rowsOf = (shape: readonly number[]) => shape.slice(0, -1).reduce((p, d) => p * d, 1);

function caseInputs(c: ProductCase) {
  const r = new Random(seedFrom(JSON.stringify(c)));
  const inFeatures = c.xShape[c.xShape.length - 1];
  const x = r.floats(rowsOf(c.xShape) * inFeatures, -3, 3);
  for (const row of c.zeroRows ?? []) x.fill(0, row * inFeatures, (row + 1) * inFeatures);
  const w = r.floats(c.outFeatures * inFeatures);
  for (const row of c.zeroWeightRows ?? []) w.fill(0, row * inFeatures, (row + 1) * inFeatures);
  return { x, weight: quantizeWeight(w, c.outFeatures, inFeatures), bias: r.floats(c.outFeatures) };
}

async function runProduct(backend: Backend, c: ProductCase): Promise<Float32Array> {
  const { x, weight, bias } = caseInputs(c);
  const inFeatures = c.xShape[c.xShape.length - 1];
  const y = tidy(() =>
    ops.quantizedLinear(
      ops.tensor(x, [...c.xShape], 'float32', backend),
      ops.tensor(weight.values, [c.outFeatures, inFeatures], 'int8', backend),
      ops.tensor(weight.scales, [c.outFeatures], 'float32', backend),
      c.bias ? ops.tensor(bias, [c.outFeatures], 'float32', backend) : undefined,
      c.activation,
    ),
  );
  const data = (await y.data()) as Float32Array;
  y.dispose();
  return data;
}

/** The kernel's first step on `rows` × `n` floats: the int8 rows (padding included) and the scales. */
async function quantizeOnGpu(gpu: WebGpuBackend, x: Float32Array, rows: number, n: number): Promise<{ bytes: Int8Array; scales: Float32Array }> {
  const input = ops.tensor(x, [rows, n], 'float32', gpu);
  const { xq, rowScale, words } = recordQuantizeRows(gpu, input.info().storage as GPUBuffer, rows, n);
  const packed = await gpu.read(xq, 'int32', rows * words);
  const scales = (await gpu.read(rowScale, 'float32', rows)) as Float32Array;
  gpu.free(xq);
  gpu.free(rowScale);
  input.dispose();
  return { bytes: new Int8Array(packed.buffer, packed.byteOffset, rows * words * 4), scales };
}

/** The CPU spec's int8 rows, padded with zeros to whole words as the kernel writes them, and scales. */
function quantizeOnCpu(x: Float32Array, rows: number, n: number): { bytes: Int8Array; scales: Float32Array } {
  const stride = Math.ceil(n / 4) * 4;
  const bytes = new Int8Array(rows * stride);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) scales[r] = quantizeActivationRow(x, r * n, n, bytes.subarray(r * stride, r * stride + n));
  return { bytes, scales };
}

const CONFIGURATIONS: { name: string; options: WebGpuOptions }[] = [
  { name: 'as the adapter is', options: {} },
  { name: 'portable int8 path forced', options: { weightPaths: { packedDot: false } } },
  { name: 'the other tuning', options: {} }, // filled in beforeAll: the tuning this adapter does not get
];

let cpu: Backend;
const backends: WebGpuBackend[] = [];
beforeAll(async () => {
  cpu = await getBackendByName('cpu');
  backends.push(await createWebGpuBackend(), await createWebGpuBackend(CONFIGURATIONS[1].options));
  const other = backends[0].tuning.name === 'software' ? 'hardware' : 'software';
  backends.push(await createWebGpuBackend({ tuning: other }));
});
afterAll(async () => {
  for (const backend of backends) await backend.dispose();
});

describe('the correctly rounded division', () => {
  it('gives float32 n / d rounded to nearest, ties to even, as Math.fround does, over 40 binades', async () => {
    const gpu = backends[0];
    const r = new Random(3);
    const count = 20000;
    const randomFloat = () => Math.fround(r.uniform(1, 2) * 2 ** r.int(-40, 40));
    // 127 / a and a / 127, as the kernel divides, then arbitrary pairs.
    const n = Float32Array.from({ length: count }, (_, i) => (i < count / 4 ? 127 : randomFloat()));
    const d = Float32Array.from({ length: count }, (_, i) => (i >= count / 4 && i < count / 2 ? 127 : randomFloat()));
    const wgsl = `${correctlyRoundedDivideWgsl}
struct Params { count: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> n: array<f32>;
@group(0) @binding(2) var<storage, read> d: array<f32>;
@group(0) @binding(3) var<storage, read_write> q: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < params.count) {
    q[id.x] = divide(n[id.x], d[id.x]);
  }
}`;
    const [nt, dt] = [ops.tensor(n, [count], 'float32', gpu), ops.tensor(d, [count], 'float32', gpu)];
    const q = gpu.output({ shape: [count], dtype: 'float32', size: count });
    gpu.dispatch('divide', gpu.pipeline('divide test', () => wgsl), new Uniforms().u32(count), [nt.info().storage as GPUBuffer, dt.info().storage as GPUBuffer, q], lineGrid(count, 64));
    const got = await gpu.read(q, 'float32', count);
    gpu.free(q);
    nt.dispose();
    dt.dispose();
    // f64 division rounded again to f32 is the correctly rounded f32 quotient (53 ≥ 2·24 + 2 bits).
    expect(compareValues(Float32Array.from(n, (v, i) => v / d[i]), got, EXACT)).toBeNull();
  });
});

describe('quantizing rows (step 1) equals the CPU spec exactly', () => {
  it('on random rows, including values one ulp either side of every rounding boundary and an all-zero row', async () => {
    const gpu = backends[0];
    const rows = 300;
    const n = 13;
    const r = new Random(11);
    const x = new Float32Array(rows * n);
    for (let row = 0; row < rows; row++) {
      // Row maxima over many binades, so the correctly rounded 127 / a meets many mantissas.
      const a = Math.fround(r.uniform(1, 2) * 2 ** r.int(-20, 20));
      const inverse = Math.fround(127 / a);
      x[row * n] = row % 2 === 0 ? a : -a;
      for (let i = 1; i < n; i++) {
        // A value whose product with the inverse lies at k + ½, nudged by −1, 0 or +1 ulp: a
        // quotient off by one ulp would round some of these the other way.
        const k = r.int(-127, 126);
        const tie = Math.fround((k + 0.5) / inverse);
        const ulp = r.int(-1, 1);
        const bits = new Float32Array([tie]);
        new Int32Array(bits.buffer)[0] += ulp;
        x[row * n + i] = Math.abs(bits[0]) <= a ? bits[0] : tie;
      }
    }
    x.fill(0, 7 * n, 8 * n);
    const got = await quantizeOnGpu(gpu, x, rows, n);
    const want = quantizeOnCpu(x, rows, n);
    expect(compareValues(want.scales, got.scales, EXACT)).toBeNull();
    expect(compareValues(want.bytes, got.bytes, EXACT)).toBeNull();
  });

  it('rounds exact ties to even and reaches ±127', async () => {
    const gpu = backends[0];
    // With a = 127 (or 127 · 2^k) the inverse is exact, so x · inverse is exactly k + ½.
    const rows = [
      [127, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, -126.5],
      [-254, 1, 3, 5, -1, -3, 253, -253, 2],
    ];
    const x = Float32Array.from(rows.flat());
    const got = await quantizeOnGpu(gpu, x, 2, 9);
    expect([...got.bytes.subarray(0, 9)]).toEqual([127, 0, 2, 2, 0, -2, -2, 126, -126]);
    expect([...got.bytes.subarray(12, 21)]).toEqual([-127, 0, 2, 2, 0, -2, 126, -126, 1]);
    expect(compareValues(quantizeOnCpu(x, 2, 9).bytes, got.bytes, EXACT)).toBeNull();
  });
});

describe('quantizedLinear equals the CPU spec', () => {
  for (const [index, configuration] of CONFIGURATIONS.entries()) {
    it(`${configuration.name}: exactly without an activation, within float rounding with one`, async () => {
      const gpu = backends[index];
      const tensorsBefore = liveCounts().tensors;
      const bytesBefore = gpu.memory().bytes;
      const failures: string[] = [];
      for (const c of CASES) {
        const tolerance = c.activation ? { atol: 1e-6, rtol: 1e-6 } : EXACT;
        const failure = compareValues(await runProduct(cpu, c), await runProduct(gpu, c), tolerance);
        if (failure) failures.push(`${JSON.stringify(c)}: ${failure}`);
      }
      expect(failures).toEqual([]);
      const path = gpu.weightPaths.packedDot ? 'dot4I8Packed' : 'unpacked';
      expect(gpu.compiledKernels().filter((key) => key.startsWith('int8Product(') && key.includes(path))).not.toEqual([]);
      expect(gpu.compiledKernels().filter((key) => key.startsWith('int8Product(') && key.endsWith(`,${gpu.tuning.int8Threads})`))).not.toEqual([]);
      // Every tensor and scratch buffer went back.
      expect(liveCounts().tensors).toBe(tensorsBefore);
      expect(gpu.memory().bytes).toBe(bytesBefore);
    });
  }

  it('the configurations are what they say', () => {
    expect(backends[1].weightPaths.packedDot).toBe(false);
    expect(backends[2].tuning.name).not.toBe(backends[0].tuning.name);
  });
});

describe('which int8 path', () => {
  it(`dot4I8Packed only where the WGSL offers ${PACKED_DOT_LANGUAGE_FEATURE}`, () => {
    expect(chooseWeightPaths([PACKED_DOT_LANGUAGE_FEATURE], new Set()).packedDot).toBe(true);
    expect(chooseWeightPaths(['pointer_composite_access'], new Set()).packedDot).toBe(false);
    expect(chooseWeightPaths([PACKED_DOT_LANGUAGE_FEATURE], new Set(), { packedDot: false }).packedDot).toBe(false);
    expect(() => chooseWeightPaths([], new Set(), { packedDot: true })).toThrow(/weightPaths.packedDot was asked for, but this device lacks the WGSL language feature 'packed_4x8_integer_dot_product'/);
    expect(backends[0].weightPaths.packedDot).toBe(backends[0].adapterReport().wgslLanguageFeatures.includes(PACKED_DOT_LANGUAGE_FEATURE));
  });
});
