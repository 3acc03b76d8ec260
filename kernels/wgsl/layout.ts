// Strided layouts: a shape walked in row-major order plus up to two sets of strides into other
// arrays. One idea covers broadcasting (two operands, stride 0 on broadcast axes), permute and
// slice (the source's strides), concat (the destination's strides) and the batch axes of matmul.
//
// Before a layout goes to the GPU its axes are merged where that changes nothing: size-1 axes
// drop out, and neighbours merge when every stride set steps over the inner one contiguously. A
// contiguous copy becomes rank 1, a typical attention broadcast rank 2, so the shader's per-element
// index arithmetic (one division per axis) stays short, and a fixed maximum rank is enough.

import { stridesOf, type Shape } from '../../engine/shape.js';

/** The most axes a layout may keep after merging (the uniform holds two vec4s per array). */
export const MAX_RANK = 8;

export interface StridedLayout {
  readonly shape: readonly number[];
  readonly stridesA: readonly number[];
  readonly stridesB: readonly number[];
}

/**
 * The merged layout of `shape` with strides `a` and `b` (in elements). `b` defaults to the
 * shape's own row-major strides, the usual destination of a copy.
 */
export function stridedLayout(what: string, shape: Shape, a: readonly number[], b: readonly number[] = stridesOf(shape)): StridedLayout {
  const dims: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const d = shape[axis];
    if (d === 1) continue;
    const inner = dims.length - 1;
    if (inner >= 0 && a[axis] === sa[inner] * dims[inner] && b[axis] === sb[inner] * dims[inner]) {
      dims[inner] *= d;
      continue;
    }
    dims.push(d);
    sa.push(a[axis]);
    sb.push(b[axis]);
  }
  if (dims.length > MAX_RANK) {
    throw new Error(`${what}: the webgpu backend handles at most ${MAX_RANK} axes that cannot be merged; this layout has ${dims.length} (shape [${shape}])`);
  }
  return { shape: dims.reverse(), stridesA: sa.reverse(), stridesB: sb.reverse() };
}
