// The interface every backend implements: a place to keep tensor storage, and a way to get bytes
// in and out of it. Computation is not here — it lives in kernels registered per backend and op
// (`registry.ts`), so a backend is "storage + a set of kernels".
//
// Storage is opaque to the engine (`unknown`): a Float32Array on the CPU, a GPUBuffer on WebGPU.
// Only the backend's own kernels look inside.

import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

export type BackendName = 'cpu' | 'webgpu' | 'gpujs' | 'wasm';

/** What a kernel sees of one input tensor. */
export interface TensorInfo<S = unknown> {
  readonly storage: S;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
}

/** What a kernel must produce for one output: the op layer computed it already. */
export interface OutputSpec {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
}

export interface BackendMemory {
  /** Storage objects the backend holds for live tensors. */
  readonly buffers: number;
  readonly bytes: number;
  /** Free storage kept for reuse (a buffer pool), not owned by any tensor. */
  readonly pooledBytes?: number;
}

export interface Backend<S = unknown> {
  readonly name: BackendName;
  /** A one-line description for reports (`cpu: TypeScript reference kernels`). */
  readonly description: string;
  /**
   * Storage holding `data`. Backends that keep data in host memory may take the array over
   * instead of copying it (the caller must not mutate it afterwards).
   */
  upload(data: TypedArray, dtype: DType): S;
  /**
   * Storage for `size` elements whose bytes the caller writes in pieces, inside `fill`: each
   * `write` copies little-endian element bytes to `byteOffset` of the storage, and each piece is
   * a whole number of elements at a whole-element offset. `write` copies before it returns, so the
   * caller may reuse its buffer; bytes never written are undefined. This lets a weight be read
   * from disk a chunk at a time without ever existing whole in host memory. Only backends that copy
   * weights into memory of their own have it; those keeping host arrays (cpu, gpujs) take the
   * array `upload` is given instead.
   */
  uploadFrom?(dtype: DType, size: number, fill: (write: (bytes: Uint8Array, byteOffset: number) => void) => void): S;
  /** A copy of the first `size` elements. Waits for pending work on this storage. */
  read(storage: S, dtype: DType, size: number): Promise<TypedArray>;
  /** Synchronous read, only where the storage is host memory (used for cheap checks such as id ranges). */
  readSync?(storage: S, dtype: DType, size: number): TypedArray;
  /** Releases storage no tensor uses any more. */
  free(storage: S): void;
  memory(): BackendMemory;
  /** Releases devices, pools and threads so the process can exit. */
  dispose(): Promise<void> | void;
}
