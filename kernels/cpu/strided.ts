// Walks a shape in row-major order while tracking an offset into another array laid out with
// arbitrary strides (an odometer: bump the last axis, carry into earlier ones).

import type { Shape } from '../../engine/shape.js';

export function forEachStrided(shape: Shape, strides: readonly number[], start: number, visit: (index: number, offset: number) => void): void {
  const rank = shape.length;
  const index = new Int32Array(rank);
  let total = 1;
  for (const d of shape) total *= d;
  let offset = start;
  for (let i = 0; i < total; i++) {
    visit(i, offset);
    for (let axis = rank - 1; axis >= 0; axis--) {
      offset += strides[axis];
      if (++index[axis] < shape[axis]) break;
      offset -= strides[axis] * shape[axis];
      index[axis] = 0;
    }
  }
}
