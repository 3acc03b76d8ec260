// The CPU reference backend: storage is a plain typed array in host memory, kernels are the
// readable TypeScript loops in this folder. It is the executable specification every other
// backend is tested against.

import type { Backend, BackendMemory } from '../../engine/backend.js';
import { allocate, type DType, type TypedArray } from '../../engine/dtype.js';

export class CpuBackend implements Backend<TypedArray> {
  readonly name = 'cpu';
  readonly description = 'cpu: TypeScript reference kernels (single thread)';
  private buffers = 0;
  private bytes = 0;

  upload(data: TypedArray, _dtype: DType): TypedArray {
    this.account(data, +1);
    return data;
  }

  /** Kernels allocate their outputs here so the memory report sees them. */
  allocate(dtype: DType, size: number): TypedArray {
    const data = allocate(dtype, size);
    this.account(data, +1);
    return data;
  }

  async read(storage: TypedArray, dtype: DType, size: number): Promise<TypedArray> {
    return this.readSync(storage, dtype, size);
  }

  readSync(storage: TypedArray, _dtype: DType, size: number): TypedArray {
    return storage.slice(0, size);
  }

  free(storage: TypedArray): void {
    this.account(storage, -1);
  }

  memory(): BackendMemory {
    return { buffers: this.buffers, bytes: this.bytes };
  }

  dispose(): void {}

  private account(data: TypedArray, sign: 1 | -1): void {
    this.buffers += sign;
    this.bytes += sign * data.byteLength;
  }
}
