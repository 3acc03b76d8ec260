// Reading tensors through strides: the index arithmetic shared by permute, slice and broadcasting.
//
// A kernel gets one thread per output element, numbered row-major, and turns that number back
// into a position along each axis (repeated floorDiv: gpu.js has no integer division) to find
// which input element to read. Fewer axes mean less of that arithmetic, so axes every operand
// walks contiguously are merged first: adding [2,3,4] + [2,3,4] is one axis of 24, a head split
// [B,S,A,D] → [B,A,S,D] keeps four axes only because the middle two swap.
//
// The offsets are float32 arithmetic in the kernel, exact below 2^24: tensors read this way must
// have fewer elements than that (`checkFlatIndexable`).

import type { Shape } from '../../engine/shape.js';
import type { GpujsBackend } from './backend.js';
import { floorDiv } from './functions.js';
import { flat, type KernelThis, type Program, type Vec } from './program.js';
import type { GpujsStorage } from './storage.js';

export interface StridedAxes {
  readonly shape: number[];
  /** Per operand, its stride along each axis of `shape` (0 where it broadcasts). */
  readonly strides: number[][];
}

/**
 * Drops size-1 axes and merges an axis into the one before it wherever every operand steps over
 * the whole inner axis in one step of the outer (stride[d−1] = stride[d]·shape[d]). Always leaves
 * at least one axis.
 */
export function collapseAxes(shape: Shape, strides: readonly (readonly number[])[]): StridedAxes {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    if (shape[axis] === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, t) => outStrides[t][last] === s[axis] * shape[axis]);
    if (mergeable) {
      outShape[last] *= shape[axis];
      strides.forEach((s, t) => (outStrides[t][last] = s[axis]));
    } else {
      outShape.push(shape[axis]);
      strides.forEach((s, t) => outStrides[t].push(s[axis]));
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}

type StridedConstants = {
  readonly rank: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly start: number;
};

function stridedRead(this: KernelThis<StridedConstants>, x: Vec): number {
  let rest = this.thread.x;
  let offset = this.constants.start;
  for (let e = 0; e < this.constants.rank; e++) {
    const axis = this.constants.rank - 1 - e;
    const n = this.constants.shape[axis];
    const q = floorDiv(rest, n);
    offset += (rest - q * n) * this.constants.strides[axis];
    rest = q;
  }
  return x[offset];
}

/**
 * float32 storage of the elements of `x` at start + Σ index·stride, for every index of `shape`
 * in row-major order (a permute, a slice, a copy).
 */
export function readStrided(backend: GpujsBackend, x: GpujsStorage, shape: Shape, strides: readonly number[], start: number): GpujsStorage {
  const axes = collapseAxes(shape, [strides]);
  const size = shape.reduce((p, d) => p * d, 1);
  const program: Program<StridedConstants> = {
    name: 'stridedRead',
    source: stridedRead,
    constants: { rank: axes.shape.length, shape: axes.shape, strides: axes.strides[0], start },
    functions: [floorDiv],
  };
  return backend.run(program, [size], [flat(x)]);
}
