// Measuring how long the GPU itself spends on recorded work, with WebGPU's optional
// 'timestamp-query' feature: a compute pass may write the GPU's clock into a query set as it
// begins and as it ends. Wall-clock timing around a submit also counts the host's recording,
// the submit and the wait's round trip, which on a fast GPU can be most of a small kernel's time.
//
// The feature has to be asked for when the device is opened (create.ts), so timing is opt-in and
// a backend that did not ask never creates a query set or a timed pass.

/// <reference types="@webgpu/types" />

export const TIMESTAMP_FEATURE = 'timestamp-query';

/** GPUBufferUsage.QUERY_RESOLVE (fixed by the spec; Node has no such global). */
export const QUERY_RESOLVE_USAGE = 0x200;
/** Two 64-bit timestamps, as `resolveQuerySet` writes them. */
export const RESOLVED_TIMESTAMP_BYTES = 16;

/** Whether timestamps are wanted: always (an error where missing), where available, or never. */
export type TimestampRequest = boolean | 'if-available';

/** A query set of two timestamps: the beginning and the end of one compute pass. */
export class GpuTimer {
  readonly passWrites: GPUComputePassTimestampWrites;
  private readonly querySet: GPUQuerySet;

  constructor(device: GPUDevice) {
    this.querySet = device.createQuerySet({ label: 'gpuTime', type: 'timestamp', count: 2 });
    this.passWrites = { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 };
  }

  /** Records writing both timestamps, in nanoseconds, into `destination` (QUERY_RESOLVE usage). */
  resolve(encoder: GPUCommandEncoder, destination: GPUBuffer): void {
    encoder.resolveQuerySet(this.querySet, 0, 2, destination, 0);
  }
}

/**
 * Milliseconds from the first resolved timestamp to the second (unsigned 64-bit nanoseconds, read
 * back as 32-bit words). Negative when the implementation's clock ran backwards, which the spec allows.
 */
export function elapsedMs(resolved: Int32Array): number {
  const [begin, end] = new BigUint64Array(resolved.buffer, resolved.byteOffset, 2);
  return Number(end - begin) / 1e6;
}
