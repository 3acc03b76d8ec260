// Walking an output shape while tracking where each broadcast input's element is. Instead of
// decomposing every flat index (rank divisions per element), an "odometer" bumps the last
// axis and carries into earlier axes, adjusting each input's offset by its stride.

import { broadcastStrides, type Shape } from '../../engine/shape.js';

/** Calls visit(outIndex, offsets) for every element of outShape, offsets[i] into input i. */
export function forEachBroadcast(outShape: Shape, inputShapes: readonly Shape[], visit: (outIndex: number, offsets: Int32Array) => void): void {
  const rank = outShape.length;
  const strides = inputShapes.map((s) => broadcastStrides(s, outShape));
  const offsets = new Int32Array(inputShapes.length);
  const index = new Int32Array(rank);
  let total = 1;
  for (const d of outShape) total *= d;
  for (let flat = 0; flat < total; flat++) {
    visit(flat, offsets);
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]++;
      for (let t = 0; t < offsets.length; t++) offsets[t] += strides[t][axis];
      if (index[axis] < outShape[axis]) break;
      for (let t = 0; t < offsets.length; t++) offsets[t] -= strides[t][axis] * outShape[axis];
      index[axis] = 0;
    }
  }
}
