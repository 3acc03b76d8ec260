// The WebGPU attention kernel's two versions: the separate kernels against the CPU reference under
// both tunings, on every attention case of the shared table (webgpu.parity.test.ts runs them on
// the default, fused version); which version really runs; and that the fused one never
// materialises the scores.

import '../../../kernels/wgsl/register.js';
import { getBackendByName, ops, tidy, type Backend, type Shape } from '../../../index.js';
import type { AttentionVersion } from '../../../kernels/wgsl/attention.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import type { TuningName } from '../../../kernels/wgsl/tuning.js';
import { PARITY_CASES, runParityCase } from '../kernelParity.js';

const ATTENTION_CASES = PARITY_CASES.filter((c) => c.op === 'attention' || c.op === 'qkvAttention');
const TUNINGS: readonly TuningName[] = ['software', 'hardware'];

let cpu: Backend;
const backends = new Map<TuningName, WebGpuBackend>();
beforeAll(async () => {
  cpu = await getBackendByName('cpu');
  for (const tuning of TUNINGS) backends.set(tuning, await createWebGpuBackend({ tuning }));
});
afterAll(async () => {
  for (const backend of backends.values()) await backend.dispose();
});

function backendFor(tuning: TuningName, version: AttentionVersion): WebGpuBackend {
  const gpu = backends.get(tuning)!;
  gpu.attentionVersion = version;
  return gpu;
}

const random = (shape: Shape, gpu: WebGpuBackend) =>
  ops.tensor(Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(i)), shape, 'float32', gpu);

// The fused version runs these cases in webgpu.parity.test.ts, under both tunings too.
it.each(TUNINGS)('separate (%s tuning) matches the CPU on every attention case, running no fused kernel', async (tuning) => {
  const gpu = backendFor(tuning, 'separate');
  const compiledBefore = new Set(gpu.compiledKernels());
  const failures: string[] = [];
  for (const testCase of ATTENTION_CASES) {
    const failure = await runParityCase(testCase, cpu, gpu);
    if (failure !== null) failures.push(failure);
  }
  expect(failures).toEqual([]);
  const compiled = gpu.compiledKernels().filter((key) => !compiledBefore.has(key));
  expect(compiled.filter((key) => key.startsWith('attention('))).toEqual([]);
  expect(compiled.some((key) => key.startsWith('softmax('))).toBe(true);
});

describe('fused', () => {
  const newKernels = (gpu: WebGpuBackend, run: () => void): string[] => {
    const before = new Set(gpu.compiledKernels());
    run();
    return gpu.compiledKernels().filter((key) => !before.has(key));
  };

  it('is one kernel; heads wider than 256 or empty take the separate kernels', async () => {
    const gpu = backendFor('software', 'fused');
    const attend = (d: number, dv: number) => () =>
      tidy(() => {
        ops.attention(random([1, 2, 5, d], gpu), random([1, 2, 7, d], gpu), random([1, 2, 7, dv], gpu), undefined, 1);
      });
    expect(newKernels(gpu, attend(8, 8))).toEqual(['attention(16,8,d8,dv8)']);
    for (const [d, dv] of [[257, 8], [8, 300], [0, 8]]) {
      const compiled = newKernels(gpu, attend(d, dv));
      expect(compiled.filter((key) => key.startsWith('attention('))).toEqual([]);
    }
    await gpu.flush();
  });

  it('gives an empty sum, 0, without keys', async () => {
    const gpu = backendFor('software', 'fused');
    const out = ops.attention(random([2, 3, 4], gpu), random([2, 0, 4], gpu), random([2, 0, 5], gpu), undefined, 1);
    expect(Array.from(await out.data())).toEqual(Array<number>(30).fill(0));
    out.dispose();
  });
});

describe('memory', () => {
  // 12 heads of 128 tokens: the scores are 12·128·128 floats, twice the size of q, k or v.
  const scoresBytes = 4 * 12 * 128 * 128;

  /** Device bytes the attention op adds, on a fresh backend with its inputs uploaded. */
  async function growth(version: AttentionVersion): Promise<number> {
    const gpu = await createWebGpuBackend({ attention: version });
    try {
      const [q, k, v] = [0, 1, 2].map(() => random([1, 12, 128, 64], gpu));
      const mask = random([1, 1, 1, 128], gpu);
      await gpu.flush();
      const before = gpu.memory().deviceBytes;
      const out = ops.attention(q, k, v, mask, 0.125);
      await gpu.flush();
      const grown = gpu.memory().deviceBytes - before;
      for (const t of [q, k, v, mask, out]) t.dispose();
      return grown;
    } finally {
      await gpu.dispose();
    }
  }

  it('the fused kernel adds its output and nothing the size of the scores; the separate kernels add the scores', async () => {
    const contextBytes = 4 * 12 * 128 * 64;
    const fused = await growth('fused');
    expect(fused).toBeGreaterThanOrEqual(contextBytes);
    expect(fused).toBeLessThan(contextBytes + scoresBytes);
    expect(await growth('separate')).toBeGreaterThanOrEqual(contextBytes + scoresBytes);
  });
});

it('refuses an unknown attention version', async () => {
  await expect(createWebGpuBackend({ attention: 'flash' as AttentionVersion })).rejects.toThrow("webgpu: unknown attention version \"flash\" (expected 'fused' or 'separate')");
});
