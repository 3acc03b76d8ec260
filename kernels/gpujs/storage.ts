// What a gpujs tensor's storage is: a promise of its values, because kernels are queued rather
// than run on the spot (see queue.ts). float32 values live where the mode's kernels read them
// (a DeviceArray); int32 values always live in host memory as an Int32Array, since gpu.js has no
// integer type on the device (see README.md, "int32").

import type { DType } from '../../engine/dtype.js';
import type { DeviceArray } from './deviceMemory.js';

export type StoredValues = DeviceArray | Int32Array;

export class GpujsStorage {
  constructor(
    readonly dtype: DType,
    readonly size: number,
    /** Settles when the job that produces the values has run; rejects with its error. */
    readonly values: Promise<StoredValues>,
  ) {}
}

export interface ValueSpec {
  readonly dtype: DType;
  readonly size: number;
}
