// The attention kernel, in two versions the backend chooses between (`attentionVersion`):
//   fused     one dispatch of attention.wgsl.ts: the scores stay in registers and workgroup memory
//   separate  the composition's own kernels — matmul, scale, softmax, matmul — each writing its
//             tensor: [Sq, Sk] scores and probabilities per head go through memory twice each
// Both are kept: `separate` is what the fused kernel is measured and tested against, and it takes
// the heads the fused kernel does not: wider than MAX_FUSED_HEAD, or empty (D or Dv = 0).

/// <reference types="@webgpu/types" />

import type { OutputSpec, TensorInfo } from '../../engine/backend.js';
import { broadcastStrides, sizeOf } from '../../engine/shape.js';
import { attentionKey, attentionTileBytes, attentionWgsl, type AttentionVariant } from './attention.wgsl.js';
import type { WebGpuBackend } from './backend.js';
import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { stridedLayout } from './layout.js';
import { scale as scaleKernel } from './map.js';
import { matmul } from './matmul.js';
import { softmax } from './softmax.js';
import { Uniforms } from './uniforms.js';

export type AttentionVersion = 'fused' | 'separate';

export const ATTENTION_VERSIONS: readonly AttentionVersion[] = ['fused', 'separate'];

/**
 * The largest head size (D and Dv) the fused kernel takes: each invocation holds a row of q and
 * of the output in registers, 2 · 256 floats, which already spills on most GPUs. Transformer heads
 * are at most 256 wide.
 */
export const MAX_FUSED_HEAD = 256;

type Inputs = readonly TensorInfo<GPUBuffer>[];

function recordFused(backend: WebGpuBackend, [q, k, v, mask]: Inputs, scale: number, out: OutputSpec): GPUBuffer {
  const rank = q.shape.length;
  const [sq, d] = q.shape.slice(-2);
  const [sk, dv] = v.shape.slice(-2);
  const batches = sizeOf(q.shape.slice(0, -2));
  // Fewer keys per tile where the tiles would not fit workgroup memory; the 16 KiB every device
  // has holds 8 keys of the widest heads.
  const memory = backend.device.limits.maxComputeWorkgroupStorageSize;
  const { attentionRows: rows, attentionKeys } = backend.tuning;
  const keys = Math.min(attentionKeys, Math.floor(memory / attentionTileBytes(1, d, dv)));
  const variant: AttentionVariant = { rows, keys, d, dv, masked: mask !== undefined };
  const blocks = Math.ceil(sq / variant.rows);
  const scoresShape = [...q.shape.slice(0, -1), sk];
  const maskStrides = mask ? broadcastStrides(mask.shape, scoresShape) : new Array<number>(rank).fill(0);
  const maskRows = stridedLayout('attention', scoresShape.slice(0, -1), maskStrides.slice(0, -1));
  const uniforms = new Uniforms().strided(maskRows).u32(batches * blocks).u32(blocks).u32(sq).u32(sk).u32(maskStrides[rank - 1]).f32(scale);
  const context = backend.output(out);
  const key = attentionKey(variant);
  const buffers = [q.storage, k.storage, v.storage, ...(mask ? [mask.storage] : []), context];
  backend.dispatch(key, backend.pipeline(key, () => attentionWgsl(variant)), uniforms, buffers, lineGrid(batches * blocks, 1));
  return context;
}

/** The composition on this backend's kernels; each intermediate is freed once the next kernel is recorded. */
function recordSeparate(backend: WebGpuBackend, [q, k, v, mask]: Inputs, scale: number, out: OutputSpec): GPUBuffer {
  const shape = [...q.shape.slice(0, -1), k.shape[k.shape.length - 2]];
  const scores: OutputSpec = { shape, dtype: 'float32', size: sizeOf(shape) };
  const input = (storage: GPUBuffer): TensorInfo<GPUBuffer> => ({ storage, ...scores });
  const [products] = matmul(backend, [q, k], { transposeA: false, transposeB: true }, [scores]);
  const [scaled] = scaleKernel(backend, [input(products)], { factor: scale, shift: 0 }, [scores]);
  backend.free(products);
  const [probs] = softmax(backend, mask ? [input(scaled), mask] : [input(scaled)], {}, [scores]);
  backend.free(scaled);
  const [context] = matmul(backend, [input(probs), v], { transposeA: false, transposeB: false }, [out]);
  backend.free(probs);
  return context;
}

export const attention: WebGpuKernel<'attention'> = (backend, inputs, { scale }, [out]) => {
  const d = inputs[0].shape[inputs[0].shape.length - 1];
  const dv = inputs[2].shape[inputs[2].shape.length - 1];
  const fits = (n: number) => n >= 1 && n <= MAX_FUSED_HEAD;
  const fused = backend.attentionVersion === 'fused' && fits(d) && fits(dv);
  return [fused ? recordFused(backend, inputs, scale, out) : recordSeparate(backend, inputs, scale, out)];
};
