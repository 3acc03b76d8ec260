// GPU-side timing with the 'timestamp-query' feature (kernels/wgsl/gpuTimer.ts): the measured
// time is real (positive, within the wall time), its timestamps bracket all the timed work, the
// work measured still computes the right numbers, timing is refused clearly where it cannot work,
// and a backend that did not ask for timestamps does no timestamp work at all. SwiftShader offers
// the feature. How the time grows with the work is measured by the kernel benchmark
// (bench/kernelsWebgpu.ts), not asserted here: on a busy machine it is noise, not a test.

import '../../../kernels/wgsl/register.js';
import { ops, type Tensor } from '../../../index.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend, timestampFeatures } from '../../../kernels/wgsl/create.js';

// 128×256×256 takes tens of milliseconds on SwiftShader: long enough that timer resolution and
// the pass's fixed cost do not blur how the time grows with the number of calls.
const M = 128;
const K = 256;
const N = 256;

const values = (size: number, seed: number) => Float32Array.from({ length: size }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);

/** The product by its definition, in float64. */
function matmulReference(a: Float32Array, b: Float32Array): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let p = 0; p < K; p++) sum += a[i * K + p] * b[p * N + j];
      out[i * N + j] = sum;
    }
  }
  return out;
}

/**
 * Counts, on `backend`'s device, query sets made, compute passes begun with timestamp writes, and
 * the dispatches recorded in those passes (between their timestamps).
 */
function watchTimestampWork(backend: WebGpuBackend): { querySets: number; timedPasses: number; timedDispatches: number } {
  const seen = { querySets: 0, timedPasses: 0, timedDispatches: 0 };
  const device = backend.device;
  const createQuerySet = device.createQuerySet.bind(device);
  device.createQuerySet = (descriptor) => (seen.querySets++, createQuerySet(descriptor));
  const createCommandEncoder = device.createCommandEncoder.bind(device);
  device.createCommandEncoder = (descriptor) => {
    const encoder = createCommandEncoder(descriptor);
    const beginComputePass = encoder.beginComputePass.bind(encoder);
    encoder.beginComputePass = (descriptor) => {
      const pass = beginComputePass(descriptor);
      if (descriptor?.timestampWrites) {
        seen.timedPasses++;
        const dispatchWorkgroups = pass.dispatchWorkgroups.bind(pass);
        pass.dispatchWorkgroups = (...size) => (seen.timedDispatches++, dispatchWorkgroups(...size));
      }
      return pass;
    };
    return encoder;
  };
  return seen;
}

let gpu: WebGpuBackend;
let a: Float32Array;
let b: Float32Array;
let x: Tensor;
let y: Tensor;
beforeAll(async () => {
  gpu = await createWebGpuBackend({ timestamps: true });
  a = values(M * K, 1);
  b = values(K * N, 2);
  x = ops.tensor(a, [M, K], 'float32', gpu);
  y = ops.tensor(b, [K, N], 'float32', gpu);
});
afterAll(async () => {
  await gpu.dispose();
});

/** GPU milliseconds for `calls` matmuls recorded back to back, and the wall time around it. */
async function timeMatmuls(calls: number): Promise<{ gpuMs: number; wallMs: number }> {
  const start = performance.now();
  const { result, gpuMs } = await gpu.gpuTime(() => Array.from({ length: calls }, () => ops.matmul(x, y)));
  const wallMs = performance.now() - start;
  for (const t of result) t.dispose();
  return { gpuMs, wallMs };
}

describe('gpuTime', () => {
  it('is offered on this adapter when asked for', () => {
    expect(gpu.adapterReport().features.timestampQuery).toBe(true);
    expect(gpu.canTimeGpu).toBe(true);
  });

  it('measures a positive, finite time no longer than the wall time around it', async () => {
    await timeMatmuls(1); // compiles the kernel
    const { gpuMs, wallMs } = await timeMatmuls(1);
    expect(Number.isFinite(gpuMs)).toBe(true);
    expect(gpuMs).toBeGreaterThan(0);
    expect(gpuMs).toBeLessThanOrEqual(wallMs);
  });

  it('times one pass that holds all the timed work: eight matmuls, eight times the dispatches of one', async () => {
    const seen = watchTimestampWork(gpu);
    await timeMatmuls(1);
    const one = seen.timedDispatches;
    expect(one).toBeGreaterThanOrEqual(1);
    await timeMatmuls(8);
    expect({ passes: seen.timedPasses, dispatches: seen.timedDispatches - one }).toEqual({ passes: 2, dispatches: 8 * one });
  });

  it('returns what the timed work computed, and computed correctly', async () => {
    const { result, gpuMs } = await gpu.gpuTime(() => ops.matmul(x, y));
    expect(gpuMs).toBeGreaterThan(0);
    const got = await result.data();
    result.dispose();
    const expected = matmulReference(a, b);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
    expect(worst).toBeLessThan(1e-4);
  });

  it('refuses timed work that ends its pass early (a copy), and the backend goes on working', async () => {
    const source = gpu.upload(new Float32Array([1, 2, 3, 4]), 'float32');
    const destination = gpu.output({ shape: [4], dtype: 'float32', size: 4 });
    await expect(gpu.gpuTime(() => gpu.copy(source, destination, 16))).rejects.toThrow(/gpuTime: the timed work ended its compute pass early \(a copy/);
    expect(Array.from(await gpu.read(destination, 'float32', 4))).toEqual([1, 2, 3, 4]);
    gpu.free(source);
    gpu.free(destination);
  });

  it('outside gpuTime, even a timing backend records no timestamp writes', async () => {
    const seen = watchTimestampWork(gpu);
    const product = ops.matmul(x, y);
    await product.data();
    product.dispose();
    expect(seen).toEqual({ querySets: 0, timedPasses: 0, timedDispatches: 0 });
  });
});

describe('without timestamps', () => {
  it('opens the device without the feature, does no timestamp work, and refuses gpuTime clearly', async () => {
    const plain = await createWebGpuBackend();
    try {
      const seen = watchTimestampWork(plain);
      expect(plain.device.features.has('timestamp-query')).toBe(false);
      expect(plain.canTimeGpu).toBe(false);
      const p = ops.tensor(a, [M, K], 'float32', plain);
      const q = ops.tensor(b, [K, N], 'float32', plain);
      const product = ops.matmul(p, q);
      await product.data();
      await expect(plain.gpuTime(() => ops.add(p, p))).rejects.toThrow(/gpuTime needs the 'timestamp-query' feature: create the backend with \{ timestamps: true \}/);
      expect(seen).toEqual({ querySets: 0, timedPasses: 0, timedDispatches: 0 });
      for (const t of [p, q, product]) t.dispose();
    } finally {
      await plain.dispose();
    }
  });

  it('an adapter without the feature: required is an error naming the adapter, if-available goes without', () => {
    const none = new Set(['shader-f16']);
    expect(() => timestampFeatures(true, none, 'acme gpu')).toThrow(/webgpu: GPU timestamps were asked for .* but the adapter acme gpu does not offer the 'timestamp-query' feature/);
    expect(timestampFeatures('if-available', none, 'acme gpu')).toEqual([]);
    expect(timestampFeatures(undefined, new Set(['timestamp-query']), 'acme gpu')).toEqual([]);
    expect(timestampFeatures(false, new Set(['timestamp-query']), 'acme gpu')).toEqual([]);
    expect(timestampFeatures('if-available', new Set(['timestamp-query']), 'acme gpu')).toEqual(['timestamp-query']);
  });
});
