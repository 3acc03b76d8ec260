// The attention kernel, in two versions the backend chooses between (`attentionVersion`):
//   fused     one dispatch of attention.wgsl.ts: the scores stay in registers and workgroup memory
//   separate  the composition's own kernels — matmul, scale, softmax, matmul — each writing its
//             tensor: [Sq, Sk] scores and probabilities per head go through memory twice each
// Both are kept: `separate` is what the fused kernel is measured and tested against, and it takes
// the heads the fused kernel does not: wider than MAX_FUSED_HEAD, or empty (D or Dv = 0).
// `qkvAttention` is the same kernel reading its heads in place from the packed projection; its
// separate version copies them out (and the context back) around the separate kernels.

/// <reference types="@webgpu/types" />

import type { OutputSpec, TensorInfo } from '../../engine/backend.js';
import { attentionLayout, qkvAttentionLayout, type AttentionLayout, type RowLayout } from '../../engine/ops/attentionLayout.js';
import { broadcastStrides, sizeOf, stridesOf } from '../../engine/shape.js';
import { attentionKey, attentionTileBytes, attentionWgsl, type AttentionVariant } from './attention.wgsl.js';
import type { WebGpuBackend } from './backend.js';
import { lineGrid } from './grid.js';
import type { WebGpuKernel } from './kernel.js';
import { stridedLayout } from './layout.js';
import { scale as scaleKernel } from './map.js';
import { matmul } from './matmul.js';
import { softmax } from './softmax.js';
import { recordCopy } from './stridedCopy.js';
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

/** A layout as the shader's `Rows` uniform: start, batch, head, row. */
const rowsOf = ({ start, batch, head, row }: RowLayout) => [start, batch, head, row] as const;

function recordFused(backend: WebGpuBackend, problem: AttentionLayout, [q, k, v]: readonly GPUBuffer[], mask: TensorInfo<GPUBuffer> | undefined, scale: number, out: OutputSpec): GPUBuffer {
  const { scoresShape, d, dv } = problem;
  const rank = scoresShape.length;
  const [sq, sk] = scoresShape.slice(-2);
  const batches = sizeOf(scoresShape.slice(0, -2));
  // Fewer keys per tile where the tiles would not fit workgroup memory; the 16 KiB every device
  // has holds 8 keys of the widest heads.
  const memory = backend.device.limits.maxComputeWorkgroupStorageSize;
  const { attentionRows: rows, attentionKeys } = backend.tuning;
  const keys = Math.min(attentionKeys, Math.floor(memory / attentionTileBytes(1, d, dv)));
  const variant: AttentionVariant = { rows, keys, d, dv, masked: mask !== undefined };
  const blocks = Math.ceil(sq / variant.rows);
  const maskStrides = mask ? broadcastStrides(mask.shape, scoresShape) : new Array<number>(rank).fill(0);
  const maskRows = stridedLayout('attention', scoresShape.slice(0, -1), maskStrides.slice(0, -1));
  const uniforms = new Uniforms().strided(maskRows);
  for (const layout of [problem.q, problem.k, problem.v, problem.out]) uniforms.u32x4(rowsOf(layout));
  uniforms.u32(problem.heads).u32(batches * blocks).u32(blocks).u32(sq).u32(sk).u32(maskStrides[rank - 1]).f32(scale);
  const context = backend.output(out);
  const key = attentionKey(variant);
  const buffers = [q, k, v, ...(mask ? [mask.storage] : []), context];
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

/** Whether the fused kernel takes heads of sizes d (q, k) and dv (v). */
function fuses(backend: WebGpuBackend, d: number, dv: number): boolean {
  const fits = (n: number) => n >= 1 && n <= MAX_FUSED_HEAD;
  return backend.attentionVersion === 'fused' && fits(d) && fits(dv);
}

export const attention: WebGpuKernel<'attention'> = (backend, inputs, { scale }, [out]) => {
  const [q, k, v, mask] = inputs;
  const problem = attentionLayout(q.shape, v.shape);
  if (!fuses(backend, problem.d, problem.dv)) return [recordSeparate(backend, inputs, scale, out)];
  return [recordFused(backend, problem, [q.storage, k.storage, v.storage], mask, scale, out)];
};

export const qkvAttention: WebGpuKernel<'qkvAttention'> = (backend, [qkv, mask], { heads, scale }, [out]) => {
  const [batch, seq, width] = qkv.shape;
  const hidden = width / 3;
  const d = hidden / heads;
  if (fuses(backend, d, d)) {
    return [recordFused(backend, qkvAttentionLayout(qkv.shape, heads), [qkv.storage, qkv.storage, qkv.storage], mask, scale, out)];
  }
  // The separate kernels need each of q, k and v as [batch, heads, seq, d]: one strided copy each, and one back.
  const headsShape = [batch, heads, seq, d];
  const spec: OutputSpec = { shape: headsShape, dtype: 'float32', size: sizeOf(headsShape) };
  const [q, k, v] = [0, 1, 2].map((part): TensorInfo<GPUBuffer> => {
    const storage = backend.output(spec);
    recordCopy(backend, 'qkvAttention', stridedLayout('qkvAttention', headsShape, [seq * width, d, width, 1]), qkv.storage, storage, { source: part * hidden, destination: 0 });
    return { storage, ...spec };
  });
  const context = recordSeparate(backend, mask ? [q, k, v, mask] : [q, k, v], scale, spec);
  for (const t of [q, k, v]) backend.free(t.storage);
  const merged = backend.output(out);
  recordCopy(backend, 'qkvAttention', stridedLayout('qkvAttention', headsShape, stridesOf(headsShape), [seq * hidden, d, hidden, 1]), context, merged, { source: 0, destination: 0 });
  backend.free(context);
  return [merged];
};
