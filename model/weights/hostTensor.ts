// A tensor as it comes out of a checkpoint file: plain host memory, independent of any compute
// backend. Checkpoints store many element types; everything is widened or narrowed to the two the
// engine computes with (half floats become float32, every integer type becomes int32), so the
// model loader never sees a file format's dtype zoo.

export type HostDType = 'float32' | 'int32';

export interface HostTensor {
  readonly dtype: HostDType;
  /** Row-major (C order) dimensions; `[]` is a scalar. */
  readonly shape: readonly number[];
  /**
   * The elements in row-major order. Often a view over the bytes of the file that was read (no
   * second copy of the weights), so treat it as read-only: writing to it changes every tensor that
   * shares those bytes, e.g. tied weights.
   */
  readonly data: Float32Array | Int32Array;
}

/** The number of elements of a shape, refusing products that a double cannot count exactly. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (!Number.isSafeInteger(count)) {
      throw new RangeError(`shape [${shape.join(', ')}] has more elements than can be counted exactly`);
    }
  }
  return count;
}
