// The matmul and linear kernels. Both are batched products C = A·B, recorded by `recordProduct`
// with one of the three shaders (matmulVersions.ts): matmul reads A and B through their
// transposes and broadcast batch axes; linear is x · Wᵀ with W in PyTorch's [out, in] layout —
// B transposed, no batch — plus the bias and activation fused into the shader's epilogue. A
// float16 W is widened to f32 as it is read (halfFloat.wgsl.ts), so the product sums in f32.

/// <reference types="@webgpu/types" />

import type { UnaryFn } from '../../engine/opTypes.js';
import { broadcastStrides, sizeOf } from '../../engine/shape.js';
import type { WebGpuBackend } from './backend.js';
import { tileGrid, type Grid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { stridedLayout, type StridedLayout } from './layout.js';
import type { HalfStorage } from './halfFloat.wgsl.js';
import { blockSize, matmulBlockedWgsl } from './matmulBlocked.wgsl.js';
import { matmulVariantKey, type MatmulVariant } from './matmulCommon.wgsl.js';
import { matmulNaiveWgsl, NAIVE_TILE } from './matmulNaive.wgsl.js';
import { matmulTiledWgsl, TILE } from './matmulTiled.wgsl.js';
import type { MatmulVersion } from './matmulVersions.js';
import { Uniforms } from './uniforms.js';

interface Product {
  readonly op: 'matmul' | 'linear';
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** The batch axes, with each batch's element offset into A (stridesA) and into B (stridesB). */
  readonly batch: StridedLayout;
  readonly batches: number;
  /** A is stored [K, M] rather than [M, K]; B is stored [N, K] rather than [K, N]. */
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly activation: UnaryFn | null;
  /** B is float16, bound this way. */
  readonly halfB: HalfStorage | undefined;
}

/** The shader of one version for this product: its cache key, its WGSL and its workgroup grid. */
function shaderFor(version: MatmulVersion, product: Product, bias: boolean, threads: number): { key: string; wgsl: () => string; grid: Grid } {
  const { op, M, N, K, batches, transposeA, transposeB, activation, halfB } = product;
  const variant: MatmulVariant = { bias, activation, halfB };
  switch (version) {
    case 'naive':
      return { key: `matmulNaive(${matmulVariantKey(variant)})`, wgsl: () => matmulNaiveWgsl(variant), grid: tileGrid(op, M, N, NAIVE_TILE, NAIVE_TILE, batches) };
    case 'tiled':
      return { key: `matmulTiled(${matmulVariantKey(variant)})`, wgsl: () => matmulTiledWgsl(variant), grid: tileGrid(op, M, N, TILE, TILE, batches) };
    case 'blocked': {
      // vec4 loads need the contiguous axis to be a whole number of vec4s (then every row, and
      // every batch, starts on a vec4 boundary too).
      // Spelled out, not spread from `variant`: this runs for every product recorded, and Node 20
      // took ≈ 6–13 µs to spread an object into a literal with more fields — ≈ 0.7 ms of the ≈ 2 ms
      // it took to record a roberta-base forward on a 2-core machine.
      const blocked = { bias, activation, halfB, transposeA, transposeB, threads, vec4A: (transposeA ? M : K) % 4 === 0, vec4B: (transposeB ? K : N) % 4 === 0 };
      const layout = `${transposeA ? 'aT' : 'a'},${transposeB ? 'bT' : 'b'},${threads}`;
      const block = blockSize(threads);
      return { key: `matmulBlocked(${layout},${matmulVariantKey(blocked)})`, wgsl: () => matmulBlockedWgsl(blocked), grid: tileGrid(op, M, N, block, block, batches) };
    }
  }
}

function recordProduct(backend: WebGpuBackend, product: Product, buffers: { a: GPUBuffer; b: GPUBuffer; bias?: GPUBuffer; c: GPUBuffer }): void {
  const { M, N, K, transposeA, transposeB } = product;
  const version = backend.matmulVersion === 'auto' ? backend.tuning.chooseMatmul(product) : backend.matmulVersion;
  const shader = shaderFor(version, product, buffers.bias !== undefined, backend.tuning.blockedThreads);
  // Element (i, p) of A at i·aRow + p·aCol; element (p, j) of B at p·bRow + j·bCol.
  const [aRow, aCol] = transposeA ? [1, M] : [K, 1];
  const [bRow, bCol] = transposeB ? [1, K] : [N, 1];
  const uniforms = new Uniforms().strided(product.batch).u32(M).u32(N).u32(K).u32(aRow).u32(aCol).u32(bRow).u32(bCol);
  const bindings = buffers.bias ? [buffers.a, buffers.b, buffers.bias, buffers.c] : [buffers.a, buffers.b, buffers.c];
  backend.dispatch(shader.key, backend.pipeline(shader.key, shader.wgsl), uniforms, bindings, shader.grid);
}

export const matmul: WebGpuKernel<'matmul'> = (backend, [a, b], { transposeA, transposeB }, [out]) => {
  const rank = out.shape.length;
  const [M, N] = out.shape.slice(rank - 2);
  const K = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const batchShape = out.shape.slice(0, -2);
  const aBatch = broadcastStrides(a.shape.slice(0, -2), batchShape).map((s) => s * M * K);
  const bBatch = broadcastStrides(b.shape.slice(0, -2), batchShape).map((s) => s * K * N);
  const batch = stridedLayout('matmul', batchShape, aBatch, bBatch);
  const c = backend.output(out);
  const product: Product = { op: 'matmul', M, N, K, batch, batches: sizeOf(batchShape), transposeA, transposeB, activation: null, halfB: undefined };
  recordProduct(backend, product, { a: a.storage, b: b.storage, c });
  return [c];
};

export const linear: WebGpuKernel<'linear'> = (backend, [x, weight, bias], { activation }, [out]) => {
  const [N, K] = weight.shape;
  const M = sizeOf(x.shape.slice(0, -1));
  const halfB = weight.dtype === 'float16' ? (backend.weightPaths.shaderF16 ? 'f16' : 'packed') : undefined;
  const product: Product = { op: 'linear', M, N, K, batch: stridedLayout('linear', [], [], []), batches: 1, transposeA: false, transposeB: true, activation, halfB };
  const c = backend.output(out);
  recordProduct(backend, product, { a: x.storage, b: weight.storage, bias: bias?.storage, c });
  return [c];
};
