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

/**
 * A tensor of a loaded checkpoint: its type and shape are known (from the file's header) before
 * its elements are read, so a model can check every parameter and read each only as it needs it.
 */
export interface CheckpointTensor {
  readonly dtype: HostDType;
  readonly shape: readonly number[];
  /**
   * The elements, as HostTensor.data. For a safetensors file on disk each call reads the file
   * again, into a buffer the caller owns; keep the result rather than reading twice.
   */
  read(): HostTensor['data'];
  /**
   * The elements' bytes (as `read()` would return them, little-endian) passed to `write` a chunk
   * at a time, each chunk whole elements at its byte offset in the tensor, so the tensor never
   * exists whole in host memory. Only where that saves memory: a file on disk storing the type
   * the engine uses. The chunk is reused once `write` returns: copy it, keep nothing.
   */
  readInto?(write: (bytes: Uint8Array, byteOffset: number) => void): void;
}

/** A tensor already decoded in memory, as a checkpoint tensor. */
export function decodedTensor(tensor: HostTensor): CheckpointTensor {
  return { dtype: tensor.dtype, shape: tensor.shape, read: () => tensor.data };
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
