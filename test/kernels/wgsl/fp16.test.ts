// float16 weights on WebGPU: `linear` with a float16 weight through each of the three matmul
// shaders, and `gather` from a float16 table. A float16 weight is widened to f32 exactly and the
// product sums in f32, so the reference is independent of any float16 code: the CPU's float32
// kernels on the widened weights (halfFloat.ts's conversion, itself tested against HF's files).
// SwiftShader has no 'shader-f16', so here the kernels read two halves per u32 word; the f16 path
// (array<f16>) runs only on an adapter that offers the feature, and this file checks only that it
// is chosen there and nowhere else (a GPU session runs the same cases on it).

import '../../../kernels/wgsl/register.js';
import { liveCounts, ops, tidy, type Backend, type UnaryFn } from '../../../index.js';
import { halfBitsToFloat, narrowToHalves, widenHalves } from '../../../engine/halfFloat.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { gatherWgsl } from '../../../kernels/wgsl/gather.wgsl.js';
import { matmulTiledWgsl } from '../../../kernels/wgsl/matmulTiled.wgsl.js';
import { MATMUL_VERSIONS } from '../../../kernels/wgsl/matmulVersions.js';
import { chooseWeightPaths } from '../../../kernels/wgsl/weightPaths.js';
import { compareValues, EXACT } from '../compare.js';
import { fileBackends } from '../fileBackends.js';
import { Random, seedFrom } from '../random.js';

/** float32 products summed in another order than the CPU's float64 ones, over K ≤ 70. */
const PRODUCT_TOLERANCE = { atol: 1e-5, rtol: 1e-5 };

interface LinearCase {
  readonly rows: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias: boolean;
  readonly activation: UnaryFn | null;
}

// Odd `in` (a row of halves then starts mid-word), K under one step and over several, N and M
// hanging over the tiles and blocks; bias and activation in the epilogue.
const LINEAR_CASES: LinearCase[] = [
  { rows: 7, inFeatures: 37, outFeatures: 67, bias: true, activation: 'gelu' },
  { rows: 70, inFeatures: 5, outFeatures: 3, bias: false, activation: null },
  { rows: 33, inFeatures: 64, outFeatures: 20, bias: true, activation: 'tanh' },
];

function linearInputs(c: LinearCase) {
  const r = new Random(seedFrom(JSON.stringify(c)));
  return { x: r.floats(c.rows * c.inFeatures), halves: narrowToHalves(r.floats(c.outFeatures * c.inFeatures, -2, 2)), bias: r.floats(c.outFeatures) };
}

/** linear on `backend`, its weight float16 or the same values widened to float32. */
async function runLinear(backend: Backend, c: LinearCase, weightDtype: 'float16' | 'float32'): Promise<Float32Array> {
  const { x, halves, bias } = linearInputs(c);
  const y = tidy(() => {
    const weight = weightDtype === 'float16' ? ops.tensor(halves, [c.outFeatures, c.inFeatures], 'float16', backend) : ops.tensor(widenHalves(halves), [c.outFeatures, c.inFeatures], 'float32', backend);
    const b = c.bias ? ops.tensor(bias, [c.outFeatures], 'float32', backend) : undefined;
    return ops.linear(ops.tensor(x, [c.rows, c.inFeatures], 'float32', backend), weight, b, c.activation);
  });
  const data = (await y.data()) as Float32Array;
  y.dispose();
  return data;
}

const backends = fileBackends({ gpu: () => createWebGpuBackend() });

describe('linear with a float16 weight', () => {
  for (const version of MATMUL_VERSIONS) {
    it(`${version}: equals float32 products on the widened weights, and the CPU's float16 linear`, async () => {
      backends.gpu.matmulVersion = version;
      const tensorsBefore = liveCounts().tensors;
      const memoryBefore = backends.gpu.memory();
      const failures: string[] = [];
      for (const c of LINEAR_CASES) {
        const got = await runLinear(backends.gpu, c, 'float16');
        const widened = compareValues(await runLinear(backends.cpu, c, 'float32'), got, PRODUCT_TOLERANCE);
        const cpuHalf = compareValues(await runLinear(backends.cpu, c, 'float16'), got, PRODUCT_TOLERANCE);
        if (widened) failures.push(`${JSON.stringify(c)} vs float32 on widened weights: ${widened}`);
        if (cpuHalf) failures.push(`${JSON.stringify(c)} vs the CPU: ${cpuHalf}`);
      }
      expect(failures).toEqual([]);
      const path = backends.gpu.weightPaths.shaderF16 ? 'bf16' : 'bpacked';
      expect(backends.gpu.compiledKernels().filter((key) => key.includes(path)).length).toBeGreaterThan(0);
      // The blocked shader reads four halves at once where `in` is a multiple of 4 (bQuad).
      if (version === 'blocked') expect(backends.gpu.compiledKernels().filter((key) => key.includes(`b4,${path}`)).length).toBeGreaterThan(0);
      // Every tensor and buffer the runs made went back (to the pool).
      expect(liveCounts().tensors).toBe(tensorsBefore);
      expect(backends.gpu.memory().bytes).toBe(memoryBefore.bytes);
    });
  }
  afterAll(() => {
    backends.gpu.matmulVersion = 'auto';
  });
});

describe('gather from a float16 table', () => {
  it('widens every half exactly: normals, subnormals, ±0, ±∞, an odd width (rows start mid-word)', async () => {
    const special = [0x0000, 0x8000, 0x0001, 0x83ff, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x3c00, 0x3555];
    const rows = 11;
    const width = 7;
    const r = new Random(5);
    const table = Uint16Array.from({ length: rows * width }, (_, i) => (i < special.length ? special[i] : r.int(0, 0xffff) & 0xfbff)); // no NaN: compared exactly below
    const ids = Int32Array.from([3, 0, 10, 1, 1, 7, 0, 9]);
    const expected = Float32Array.from([...ids].flatMap((id) => Array.from(table.subarray(id * width, (id + 1) * width), halfBitsToFloat)));
    const y = tidy(() => ops.gather(ops.tensor(table, [rows, width], 'float16', backends.gpu), ops.tensor(ids, [2, 4], 'int32', backends.gpu)));
    expect(y.dtype).toBe('float32');
    expect(y.shape).toEqual([2, 4, width]);
    const got = await y.data();
    y.dispose();
    expect(compareValues(expected, got, EXACT)).toBeNull();
    // Signed zeros too (compareValues treats −0 = 0).
    expect(Object.is(got[width * 1 + 1], -0)).toBe(true);
  });
});

describe('which float16 path', () => {
  it('reads f16 only where the device has shader-f16; else unpacks u32 words', () => {
    expect(chooseWeightPaths([], new Set(['shader-f16'])).shaderF16).toBe(true);
    expect(chooseWeightPaths([], new Set()).shaderF16).toBe(false);
    expect(chooseWeightPaths([], new Set(['shader-f16']), { shaderF16: false }).shaderF16).toBe(false);
    expect(() => chooseWeightPaths([], new Set(), { shaderF16: true })).toThrow(/weightPaths.shaderF16 was asked for, but this device lacks the 'shader-f16' feature/);
    expect(backends.gpu.weightPaths.shaderF16).toBe(backends.gpu.device.features.has('shader-f16'));
  });

  it('the f16 shaders enable f16 and bind halves as f16; the portable ones use neither', () => {
    for (const wgsl of [matmulTiledWgsl({ bias: true, activation: null, halfB: 'f16' }), gatherWgsl('f16')]) {
      expect(wgsl.trimStart().startsWith('enable f16;')).toBe(true);
      expect(wgsl).toMatch(/var<storage, read> \w+: array<f16>;/);
    }
    for (const wgsl of [matmulTiledWgsl({ bias: true, activation: null, halfB: 'packed' }), gatherWgsl('packed')]) {
      expect(wgsl).not.toMatch(/\bf16\b/);
      expect(wgsl).toContain('unpack2x16float');
    }
  });
});
