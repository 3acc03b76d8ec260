// What the three matrix-product shaders share: the uniform struct describing one batched product
// C = A·B (with A and B read through strides, which is how the transposes come for free), the
// bindings, and the epilogue that `linear` fuses in (bias, then activation).
//
// Element (i, p) of A is a[aBase + i·aRow + p·aCol]; element (p, j) of B is b[bBase + p·bRow + j·bCol];
// the batch axes give aBase and bBase through `params.batch` (broadcast batch axes have stride 0).
// C is written contiguous: batch z, row i, column j at (z·M + i)·N + j. Scalar elements of B are
// read through `bAt`, and quads through `bQuad`, which widen a float16 B (linear's weight) to f32.

import type { UnaryFn } from '../../engine/opTypes.js';
import { ACTIVATION_FN, activationsWgsl } from './activations.wgsl.js';
import { stridedWgsl } from './common.wgsl.js';
import { enableHalfWgsl, halfArrayWgsl, type HalfStorage } from './halfFloat.wgsl.js';

export interface MatmulVariant {
  /** Add bias[j] to every output of column j (linear). */
  readonly bias: boolean;
  /** Applied after the bias (linear's fused activation). */
  readonly activation: UnaryFn | null;
  /** Bind A (B) as vec4s, for shaders that load four consecutive elements at once. */
  readonly vec4A?: boolean;
  readonly vec4B?: boolean;
  /** B holds float16 weights (linear), bound as halfFloat.wgsl.ts says. */
  readonly halfB?: HalfStorage;
}

export function matmulHeaderWgsl(variant: MatmulVariant): string {
  const elementA = variant.vec4A ? 'vec4<f32>' : 'f32';
  const elementB = variant.vec4B ? 'vec4<f32>' : 'f32';
  const biased = variant.bias ? 'sum + bias[j]' : 'sum';
  const activated = variant.activation ? `${ACTIVATION_FN[variant.activation]}(${biased})` : biased;
  // Shaders read B through bAt (one element) or bQuad (four, from a multiple of 4), whatever its element type.
  const bindingB = variant.halfB
    ? halfArrayWgsl('b', 2, variant.halfB)
    : /* wgsl */ `
@group(0) @binding(2) var<storage, read> b: array<${elementB}>;
${variant.vec4B ? 'fn bQuad(index: u32) -> vec4<f32> {\n  return b[index / 4u];\n}' : 'fn bAt(index: u32) -> f32 {\n  return b[index];\n}'}`;
  return /* wgsl */ `${enableHalfWgsl(variant.halfB)}
${stridedWgsl}
${variant.activation ? activationsWgsl : ''}

struct Params {
  batch: Strided,
  M: u32,
  N: u32,
  K: u32,
  aRow: u32,
  aCol: u32,
  bRow: u32,
  bCol: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<${elementA}>;
${bindingB}
${variant.bias ? '@group(0) @binding(3) var<storage, read> bias: array<f32>;' : ''}
@group(0) @binding(${variant.bias ? 4 : 3}) var<storage, read_write> c: array<f32>;

fn epilogue(sum: f32, j: u32) -> f32 {
  return ${activated};
}

fn storeC(batch: u32, i: u32, j: u32, sum: f32) {
  c[(batch * params.M + i) * params.N + j] = epilogue(sum, j);
}
`;
}

/** The variant's part of a pipeline cache key. */
export function matmulVariantKey(variant: MatmulVariant): string {
  return [variant.bias ? 'bias' : '', variant.activation ?? '', variant.vec4A ? 'a4' : '', variant.vec4B ? 'b4' : '', variant.halfB ? `b${variant.halfB}` : ''].filter(Boolean).join(',');
}
