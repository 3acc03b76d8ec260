// A test double for a device backend: its storage is not host memory the engine may read
// synchronously (no `readSync`), as on a GPU. No kernels are registered for it.

import type { Backend, BackendMemory, DType, TypedArray } from '../../engine/index.js';

interface Box {
  readonly data: TypedArray;
}

export class DeviceDouble implements Backend<Box> {
  readonly name = 'wasm';
  readonly description = 'wasm: a test double without synchronous reads';
  disposed = false;
  private live = new Set<Box>();

  upload(data: TypedArray, _dtype: DType): Box {
    const box = { data: data.slice() };
    this.live.add(box);
    return box;
  }

  async read(storage: Box, _dtype: DType, size: number): Promise<TypedArray> {
    return storage.data.slice(0, size);
  }

  free(storage: Box): void {
    this.live.delete(storage);
  }

  memory(): BackendMemory {
    let bytes = 0;
    for (const box of this.live) bytes += box.data.byteLength;
    return { buffers: this.live.size, bytes };
  }

  dispose(): void {
    this.disposed = true;
  }
}
