// Each of the three matmul shaders, forced explicitly, against the CPU reference on shapes that
// stress its edges: blocks that hang over M and N, K not a multiple of the step (and shorter than
// one), vec4 loads on and off (contiguous axis a multiple of 4 or not), transposes, broadcast
// batches, and linear's fused bias and activation. The blocked shader runs under both tunings,
// since its workgroup differs between them (16×16 invocations on GPUs, 4×4 on software adapters).

import '../../../kernels/wgsl/register.js';
import { getBackendByName, ops, type Backend, type Shape, type UnaryFn } from '../../../index.js';
import type { MatmulOptions } from '../../../engine/ops/linalg.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { MATMUL_VERSIONS, type MatmulVersion } from '../../../kernels/wgsl/matmulVersions.js';
import type { TuningName } from '../../../kernels/wgsl/tuning.js';
import { runParityCase, type ParityCase } from '../kernelParity.js';

const size = (shape: Shape) => shape.reduce((p, d) => p * d, 1);

function product(aShape: Shape, bShape: Shape, options: MatmulOptions = {}): ParityCase {
  return {
    name: `matmul [${aShape}] × [${bShape}] ${JSON.stringify(options)}`,
    op: 'matmul',
    inputs: (r) => [
      { data: r.floats(size(aShape)), shape: aShape },
      { data: r.floats(size(bShape)), shape: bShape },
    ],
    run: ([a, b]) => ops.matmul(a, b, options),
  };
}

function linear(xShape: Shape, outFeatures: number, withBias: boolean, activation: UnaryFn | null): ParityCase {
  const inFeatures = xShape[xShape.length - 1];
  return {
    name: `linear [${xShape}] · [${outFeatures},${inFeatures}]ᵀ bias ${withBias} ${activation}`,
    op: 'linear',
    inputs: (r) => [
      { data: r.floats(size(xShape)), shape: xShape },
      { data: r.floats(outFeatures * inFeatures), shape: [outFeatures, inFeatures] },
      ...(withBias ? [{ data: r.floats(outFeatures), shape: [outFeatures] }] : []),
    ],
    run: ([x, w, b]) => ops.linear(x, w, b, activation),
  };
}

// Five cases, since every new combination of loads compiles another pipeline (slow on software
// adapters): together they take each operand through all four of the blocked shader's loaders
// (contiguous along K or along M/N, vec4 or scalar).
const CASES: ParityCase[] = [
  product([70, 37], [37, 67]), // blocks hang over M and N; K = 37: two full steps and a partial one; scalar loads
  product([3, 65, 32], [3, 32, 68]), // batched; K and N multiples of 4: vec4 loads along K (A) and N (B)
  product([2, 1, 36, 68], [3, 20, 36], { transposeA: true, transposeB: true }), // broadcast batches; vec4 along M (A) and K (B)
  product([5, 70], [20, 5], { transposeA: true, transposeB: true }), // K = 5, under one step; scalar along M (A) and K (B)
  linear([2, 35, 64], 67, true, 'gelu'), // x · Wᵀ + bias, then GELU, in the epilogue
];

let cpu: Backend;
beforeAll(async () => {
  cpu = await getBackendByName('cpu');
});

const SHADER_NAME = { naive: 'matmulNaive(', tiled: 'matmulTiled(', blocked: 'matmulBlocked(' } as const;

// Only the blocked shader depends on the tuning (its workgroup size); the others run once.
const RUNS: [MatmulVersion, TuningName][] = [...MATMUL_VERSIONS.map((v): [MatmulVersion, TuningName] => [v, 'software']), ['blocked', 'hardware']];

describe('matmul versions, forced', () => {
  const backends = new Map<TuningName, WebGpuBackend>();
  afterAll(async () => {
    for (const backend of backends.values()) await backend.dispose();
  });

  for (const [version, tuning] of RUNS) {
    it(`${version} (${tuning} tuning) matches the CPU on odd shapes, transposes, broadcasts and the fused epilogue`, async () => {
      const gpu = backends.get(tuning) ?? (await createWebGpuBackend({ tuning }));
      backends.set(tuning, gpu);
      gpu.matmulVersion = version;
      const compiledBefore = new Set(gpu.compiledKernels());
      const failures: string[] = [];
      for (const testCase of CASES) {
        const failure = await runParityCase(testCase, cpu, gpu, { tolerance: { matmul: 1e-4, linear: 1e-4 } });
        if (failure !== null) failures.push(failure);
      }
      expect(failures).toEqual([]);
      // The forced version, and only it, ran.
      const compiled = gpu.compiledKernels().filter((key) => !compiledBefore.has(key) && key.startsWith('matmul'));
      expect(compiled.length).toBeGreaterThan(0);
      expect(compiled.filter((key) => !key.startsWith(SHADER_NAME[version]))).toEqual([]);
    });
  }
});
