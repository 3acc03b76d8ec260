// The gpujs backend beyond kernel parity: choosing modes, every registered kernel in each mode,
// keeping results on the device, int32 exactness, the float32 indexing limits, compile caching
// and errors. The webgpu mode is required (modes.ts): without an adapter its tests fail.

import '../../../index.js';
import '../../../kernels/gpujs/register.js';
import { disposeBackends, getBackendByName, ops, registeredOps, type OpName, type Tensor } from '../../../index.js';
import { TRAINING_OPS } from '../../../train/trainingOps.js';
import { createGpujsBackend, type GpujsBackend } from '../../../kernels/gpujs/backend.js';
import { gpujs, type WebGpuHandle } from '../../../kernels/gpujs/gpujs.js';
import { gpujsModeFromEnvironment } from '../../../kernels/gpujs/register.js';
import type { GpujsStorage } from '../../../kernels/gpujs/storage.js';
import { PARITY_CASES, runParityCase, type ParityCase } from '../kernelParity.js';
import { BackendsByMode, TESTED_MODES } from './modes.js';

const backends = new BackendsByMode();
afterAll(() => backends.disposeAll());

const { GPU } = gpujs();

const storageOf = (t: Tensor) => t.info().storage as GpujsStorage;

describe('modes', () => {
  it('auto lets gpu.js choose: the first of headlessgl, webasm that works here', async () => {
    const backend = await createGpujsBackend();
    try {
      expect(backend.mode).toBe(GPU.isHeadlessGLSupported ? 'headlessgl' : 'webasm');
      expect(backend.description).toMatch(/^gpujs: gpu\.js 2\.\d+\.\d+ kernels, \w+ mode, chosen by gpu\.js/);
    } finally {
      await backend.dispose();
    }
  });

  it(GPU.isHeadlessGLSupported ? 'headlessgl runs where the gl package is built' : 'headlessgl says it is unavailable: the gl package could not be built', async () => {
    if (GPU.isHeadlessGLSupported) {
      const backend = await createGpujsBackend({ mode: 'headlessgl' });
      expect(backend.mode).toBe('headlessgl');
      await backend.dispose();
    } else {
      await expect(createGpujsBackend({ mode: 'headlessgl' })).rejects.toThrow(
        'gpujs: mode "headlessgl" is not available: the optional gl package could not be built',
      );
    }
  });

  it('takes the mode from ROBERTA_GPUJS_MODE, default auto, and names a bad value', () => {
    expect(gpujsModeFromEnvironment({ ROBERTA_GPUJS_MODE: 'cpu' })).toBe('cpu');
    expect(gpujsModeFromEnvironment({})).toBe('auto');
    expect(() => gpujsModeFromEnvironment({ ROBERTA_GPUJS_MODE: 'gpu' })).toThrow(
      'ROBERTA_GPUJS_MODE: unknown gpu.js mode "gpu" (expected one of auto, webgpu, webasm, headlessgl, cpu)',
    );
  });

  it('is registered as "gpujs"', async () => {
    try {
      const backend = await getBackendByName('gpujs');
      expect(backend.name).toBe('gpujs');
      expect(backend.description).toContain(`${(backend as GpujsBackend).mode} mode`);
    } finally {
      await disposeBackends();
    }
  });

  it('tells auto selection to skip the modes no faster than the CPU reference', async () => {
    expect((await backends.get('cpu')).degraded).toMatch(/plain single-threaded JavaScript/);
    expect((await backends.get('webasm')).degraded).toBeUndefined();
    const webgpu = await backends.get('webgpu');
    const software = /swiftshader|llvmpipe/i.test(webgpu.description);
    expect(webgpu.degraded === undefined).toBe(!software);
  });
});

/** The first case of each op in the shared parity table. */
const firstCaseOf = new Map<OpName, ParityCase>();
for (const testCase of PARITY_CASES) if (!firstCaseOf.has(testCase.op)) firstCaseOf.set(testCase.op, testCase);

describe.each(TESTED_MODES)('%s mode', (mode) => {
  it('runs every registered kernel in that mode, right (gpu.js falling back to its cpu backend would be an error)', async () => {
    const backend = await backends.get(mode);
    expect(backend.mode).toBe(mode);
    // Every op of the kernel contract but the composite attention ops, which run as their
    // compositions here, the training ops (gpu.js does not train: kernels/gpujs/README.md) and
    // the int8 ops (gpu.js stores float32 only, so it refuses int8 weights).
    const composite: readonly OpName[] = ['attention', 'qkvAttention'];
    const kernels = registeredOps('gpujs').sort();
    expect(kernels).toEqual(registeredOps('cpu').filter((op) => !composite.includes(op) && !TRAINING_OPS.includes(op) && op !== 'quantizedLinear' && op !== 'quantizedGather').sort());
    const cases = kernels.map((op) => firstCaseOf.get(op));
    expect(cases.map((testCase) => testCase?.op)).toEqual(kernels);
    const cpu = await getBackendByName('cpu');
    const problems: string[] = [];
    for (const testCase of cases) {
      const problem = await runParityCase(testCase!, cpu, backend);
      if (problem) problems.push(problem);
    }
    expect(problems).toEqual([]);
  });

  it('ranks NaN above every number in argmax and topk, as the CPU reference does', async () => {
    const backend = await backends.get(mode);
    const x = ops.tensor([1, NaN, 3, NaN, 0, 5, 2, 5], [2, 4], 'float32', backend);
    const best = ops.argmax(x);
    const { values, indices } = ops.topk(x, 2);
    expect(Array.from(await best.data())).toEqual([1, 1]);
    expect(Array.from(await indices.data())).toEqual([1, 3, 1, 3]);
    expect(Array.from(await values.data())).toEqual([NaN, NaN, 5, 5]);
    for (const t of [x, best, values, indices]) t.dispose();
  });

  it('keeps int32 exact over the whole range: it lives on the host, where it wraps like int32', async () => {
    const backend = await backends.get(mode);
    const extremes = [-2147483648, 2147483647, 16777217, -16777219, 0];
    const x = ops.tensor(Int32Array.from(extremes), [5], undefined, backend);
    const doubled = ops.add(x, x);
    expect(Array.from(await x.data())).toEqual(extremes);
    expect(Array.from(await doubled.data())).toEqual(extremes.map((v) => (v * 2) | 0));
    x.dispose();
    doubled.dispose();
  });

  it('reports a gather id out of range when the result is read, and keeps working', async () => {
    const backend = await backends.get(mode);
    const table = ops.tensor(new Float32Array(50 * 3), [50, 3], undefined, backend);
    const ids = ops.tensor(Int32Array.from([0, 50]), [2], undefined, backend);
    const rows = ops.gather(table, ids);
    await expect(rows.data()).rejects.toThrow('gather: id 50 at flat index 1 is out of range for a table of 50 rows (ids must be in [0, 49])');
    const after = ops.scale(table, 2, 1);
    expect((await after.data())[0]).toBe(1);
    for (const t of [table, ids, rows, after]) t.dispose();
  });
});

describe('beyond 2^24 elements', () => {
  // 22000 × 768 = 16,896,000 elements: past 2^24 = 16,777,216, where float32 flat indices round.
  const vocab = 22000;
  const width = 768;
  const hostTable = () => {
    const data = new Float32Array(vocab * width);
    for (let row = 0; row < vocab; row++) data[row * width + 5] = row;
    return data;
  };

  it.each(['webasm', 'webgpu'] as const)('%s: gather and linear read a vocabulary-sized table by rows, exactly', async (mode) => {
    const backend = await backends.get(mode);
    const table = ops.tensor(hostTable(), [vocab, width], undefined, backend);
    const ids = ops.tensor(Int32Array.from([vocab - 1, 21846, 1]), [3], undefined, backend);
    const picked = ops.gather(table, ids);
    const rows = await picked.data();
    expect([rows[5], rows[width + 5], rows[2 * width + 5]]).toEqual([vocab - 1, 21846, 1]);
    // x selects column 5 of the weight: y[o] = W[o][5] = o for every one of the 22000 outputs.
    const x = ops.tensor(Float32Array.from({ length: width }, (_, p) => (p === 5 ? 1 : 0)), [1, width], undefined, backend);
    const y = ops.linear(x, table);
    expect(Array.from(await y.data())).toEqual(Array.from({ length: vocab }, (_, o) => o));
    for (const t of [table, ids, picked, x, y]) t.dispose();
  });

  it('refuses elementwise ops on a tensor float32 cannot index flat, naming the limit', async () => {
    const backend = await backends.get('cpu');
    const big = ops.tensor(new Float32Array(2 ** 24), [2 ** 24], undefined, backend);
    expect(() => ops.scale(big, 2)).toThrow('scale: x [16777216] has 16777216 elements; the gpujs backend indexes it with float32 arithmetic, exact only below 2^24 = 16777216');
    big.dispose();
  });
});

describe('top-k for large k', () => {
  it('runs on the host past the device limit and still ranks ties by index', async () => {
    const backend = await backends.get('webasm');
    const values = Float32Array.from({ length: 3 * 50 }, (_, i) => (i * 7919) % 13);
    const x = ops.tensor(values, [3, 50], undefined, backend);
    const { indices } = ops.topk(x, 20);
    const got = await indices.data();
    for (let r = 0; r < 3; r++) {
      const row = Array.from(values.subarray(r * 50, (r + 1) * 50));
      const expected = row.map((v, j) => ({ v, j })).sort((a, b) => b.v - a.v || a.j - b.j).slice(0, 20).map((e) => e.j);
      expect(Array.from(got.subarray(r * 20, (r + 1) * 20))).toEqual(expected);
    }
    x.dispose();
    indices.dispose();
  });
});

describe('compiled kernels', () => {
  it('are compiled once per op and shape, and reused', async () => {
    const backend = await backends.get('webasm');
    const a = ops.tensor(new Float32Array(12), [3, 4], undefined, backend);
    const b = ops.tensor(new Float32Array(20), [5, 4], undefined, backend);
    const before = backend.compiledKernels;
    const results = [ops.scale(a, 2), ops.scale(a, 3, 1), ops.scale(b, 2)];
    await Promise.all(results.map((t) => t.data()));
    expect(backend.compiledKernels - before).toBe(2);
    for (const t of [a, b, ...results]) t.dispose();
  });
});

describe('webgpu mode: results stay on the device', () => {
  it('keeps results on the device between kernels: one readback, when the data is asked for', async () => {
    const backend = await backends.get('webgpu');
    const x = ops.tensor(Float32Array.from({ length: 4 * 8 }, (_, i) => Math.sin(i)), [4, 8], undefined, backend);
    const w = ops.tensor(Float32Array.from({ length: 8 * 8 }, (_, i) => Math.cos(i)), [8, 8], undefined, backend);
    const ones = ops.tensor(new Float32Array(8).fill(1), [8], undefined, backend);
    const buffer = ((await storageOf(x).values) as WebGpuHandle).buffer;
    const prototype = Object.getPrototypeOf(buffer) as { mapAsync: (...args: unknown[]) => Promise<void> };
    const mapAsync = prototype.mapAsync;
    let readbacks = 0;
    prototype.mapAsync = function (this: unknown, ...args: unknown[]) {
      readbacks++;
      return mapAsync.apply(this, args);
    };
    try {
      const h = ops.linear(x, w, ones, 'gelu');
      const n = ops.layerNorm(h, ones, ones, 1e-5, x);
      const s = ops.scale(n, 0.5);
      const p = ops.softmax(s);
      const values = await storageOf(p).values;
      expect(values).not.toBeInstanceOf(Float32Array);
      expect(readbacks).toBe(0);
      await p.data();
      expect(readbacks).toBe(1);
      for (const t of [h, n, s, p]) t.dispose();
    } finally {
      prototype.mapAsync = mapAsync;
      for (const t of [x, w, ones]) t.dispose();
    }
  });
});
