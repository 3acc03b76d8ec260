// Index arithmetic for the reference definitions the op tests compare against. Written from the
// definitions (a multi-index per element; broadcasting reads index 0 of a size-1 axis), not from
// the engine's strides, so the tests do not share the engine's assumptions.

import type { Shape } from '../../../engine/index.js';

export function count(shape: Shape): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** The multi-index of flat position `flat` in a row-major `shape`. */
export function unravel(flat: number, shape: Shape): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis];
    flat = Math.floor(flat / shape[axis]);
  }
  return index;
}

/** The flat position of a multi-index in a row-major `shape`. */
export function ravel(index: readonly number[], shape: Shape): number {
  return index.reduce((flat, i, axis) => flat * shape[axis] + i, 0);
}

/** Where an output multi-index reads an input of `shape` broadcast against it (trailing axes aligned). */
export function broadcastRead(outIndex: readonly number[], shape: Shape): number {
  const offset = outIndex.length - shape.length;
  return ravel(shape.map((d, axis) => (d === 1 ? 0 : outIndex[axis + offset])), shape);
}
