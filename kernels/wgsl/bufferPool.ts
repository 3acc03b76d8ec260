// GPU buffers are slow to create and are not garbage collected in any useful sense, so storage a
// tensor no longer needs goes back to a pool, keyed by usage and size class, and new tensors
// reuse it.
//
// The catch is ordering. Kernels only *record* work into a command encoder; nothing runs until
// the encoder is submitted. A buffer freed while that encoder is pending may still be read by a
// recorded pass. Reusing it as the output of a *later pass in the same encoder* is safe (passes
// run in order), but writing it from the host is not: `queue.writeBuffer` takes effect before the
// pending encoder runs, so the earlier pass would read the new data. Freed buffers therefore wait
// in `pending` until the next submit; until then only GPU-written outputs may take them.

/// <reference types="@webgpu/types" />

/** Who will write the buffer first: a kernel (recorded in order), or the host (immediately). */
export type FirstWriter = 'gpu' | 'host';

const MIN_BYTES = 256;

/**
 * Buffer sizes come in eight classes per power of two (256, 288, 320, …, 480, 512, 576, …), so a
 * freed buffer fits many later requests while wasting at most 1/8 of its size.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  /** Free buffers any writer may take. */
  private readonly ready = new Map<string, GPUBuffer[]>();
  /** Freed since the last submit: only kernels (writers recorded after the last reader) may take them. */
  private readonly pending = new Map<string, GPUBuffer[]>();
  private readyBytes = 0;
  private pendingBytes = 0;
  /** Every buffer this pool created and has not destroyed: free, in use, uniforms, staging. */
  private readonly owned = new Set<GPUBuffer>();
  private ownedBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    /** Free bytes kept for reuse; buffers beyond it are destroyed once the encoder is submitted. */
    private readonly maxPooledBytes: number,
  ) {}

  get pooledBytes(): number {
    return this.readyBytes + this.pendingBytes;
  }

  /** Every buffer the pool has created and not destroyed, whoever holds it. */
  get allocated(): { readonly buffers: number; readonly bytes: number } {
    return { buffers: this.owned.size, bytes: this.ownedBytes };
  }

  acquire(bytes: number, usage: number, firstWriter: FirstWriter, label: string): GPUBuffer {
    const size = sizeClass(bytes);
    const key = `${usage}/${size}`;
    if (firstWriter === 'gpu') {
      const reused = this.pending.get(key)?.pop();
      if (reused) {
        this.pendingBytes -= size;
        return reused;
      }
    }
    const reused = this.ready.get(key)?.pop();
    if (reused) {
      this.readyBytes -= size;
      return reused;
    }
    const buffer = this.device.createBuffer({ size, usage, label });
    this.owned.add(buffer);
    this.ownedBytes += size;
    return buffer;
  }

  /** Returns a buffer whose last use may still be pending in the current encoder. */
  release(buffer: GPUBuffer): void {
    push(this.pending, buffer);
    this.pendingBytes += buffer.size;
  }

  /** Returns a buffer no recorded or submitted work uses any more (a mapped-and-unmapped staging buffer). */
  releaseIdle(buffer: GPUBuffer): void {
    push(this.ready, buffer);
    this.readyBytes += buffer.size;
    this.trim();
  }

  /** The encoder was submitted: later host writes are ordered after everything it does. */
  submitted(): void {
    for (const [key, buffers] of this.pending) for (const b of buffers) push(this.ready, b, key);
    this.pending.clear();
    this.readyBytes += this.pendingBytes;
    this.pendingBytes = 0;
    this.trim();
  }

  destroyAll(): void {
    for (const buffer of this.owned) buffer.destroy();
    this.owned.clear();
    this.ownedBytes = 0;
    this.ready.clear();
    this.pending.clear();
    this.readyBytes = 0;
    this.pendingBytes = 0;
  }

  /** Destroys free buffers, largest first, until the pool is within its budget. */
  private trim(): void {
    if (this.readyBytes <= this.maxPooledBytes) return;
    const bySize = [...this.ready.values()].filter((list) => list.length > 0).sort((a, b) => b[0].size - a[0].size);
    for (const buffers of bySize) {
      while (buffers.length > 0 && this.readyBytes > this.maxPooledBytes) {
        const buffer = buffers.pop() as GPUBuffer;
        this.readyBytes -= buffer.size;
        this.owned.delete(buffer);
        this.ownedBytes -= buffer.size;
        buffer.destroy();
      }
    }
  }
}

function push(map: Map<string, GPUBuffer[]>, buffer: GPUBuffer, key = `${buffer.usage}/${buffer.size}`): void {
  const list = map.get(key);
  if (list) list.push(buffer);
  else map.set(key, [buffer]);
}
