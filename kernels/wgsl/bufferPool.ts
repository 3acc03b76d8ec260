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
 * Host uploads larger than this get a buffer of exactly their size (rounded up to 4 bytes), not a
 * size class: they are weights, made once and kept for the model's life, where rounding would
 * waste up to 1/8 (roberta-base's word embeddings: 13 MiB). Freed, such a buffer is destroyed.
 */
export const EXACT_UPLOAD_BYTES = 16 * 2 ** 20;

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
  /** Freed exact-size uploads, destroyed at the next submit (pending work may still read them). */
  private readonly doomed: GPUBuffer[] = [];
  /** Freed since the last submit: only kernels (writers recorded after the last reader) may take them. */
  private readonly pending = new Map<string, GPUBuffer[]>();
  private readyBytes = 0;
  private pendingBytes = 0;
  /** Every buffer this pool created and has not destroyed: free, in use, uniforms, staging. */
  private readonly owned = new Set<GPUBuffer>();
  private ownedBytes = 0;
  /** Creation order, for the canonical order of free buffers. */
  private readonly serials = new WeakMap<GPUBuffer, number>();
  private created = 0;

  constructor(
    private readonly device: GPUDevice,
    /** Free bytes kept for reuse; buffers beyond it are destroyed once the encoder is submitted. */
    private readonly maxPooledBytes: number,
    /** Told of every buffer the pool destroys before `destroyAll`, so nothing keeps using it. */
    private readonly onDestroy: (buffer: GPUBuffer) => void = () => {},
  ) {}

  get pooledBytes(): number {
    return this.readyBytes + this.pendingBytes;
  }

  /** Every buffer the pool has created and not destroyed, whoever holds it. */
  get allocated(): { readonly buffers: number; readonly bytes: number } {
    return { buffers: this.owned.size, bytes: this.ownedBytes };
  }

  acquire(bytes: number, usage: number, firstWriter: FirstWriter, label: string): GPUBuffer {
    if (firstWriter === 'host' && bytes > EXACT_UPLOAD_BYTES) return this.create(Math.ceil(bytes / 4) * 4, usage, label);
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
    return this.create(size, usage, label);
  }

  /**
   * Takes one particular free buffer back out of the pool, for a recording that keeps it
   * (recording.ts). False when the pool does not hold it (in use, or destroyed).
   */
  take(buffer: GPUBuffer): boolean {
    for (const [lists, isPending] of [[this.pending, true], [this.ready, false]] as const) {
      const list = lists.get(`${buffer.usage}/${buffer.size}`);
      const at = list?.indexOf(buffer) ?? -1;
      if (list && at >= 0) {
        list.splice(at, 1);
        if (isPending) this.pendingBytes -= buffer.size;
        else this.readyBytes -= buffer.size;
        return true;
      }
    }
    return false;
  }

  /** Returns a buffer whose last use may still be pending in the current encoder. */
  release(buffer: GPUBuffer): void {
    if (buffer.size !== sizeClass(buffer.size)) {
      this.doomed.push(buffer); // an exact-size upload: no later request asks for its size
      return;
    }
    push(this.pending, buffer);
    this.pendingBytes += buffer.size;
  }

  /** Returns a buffer no recorded or submitted work uses any more (a mapped-and-unmapped staging buffer). */
  releaseIdle(buffer: GPUBuffer): void {
    if (buffer.size !== sizeClass(buffer.size)) {
      this.destroy(buffer);
      return;
    }
    push(this.ready, buffer);
    this.readyBytes += buffer.size;
    this.trim();
  }

  /**
   * The encoder was submitted: later host writes are ordered after everything it does. Free
   * buffers are then put in a canonical order (oldest taken first), so that a call repeating the
   * previous one gets the same buffers as it did, whatever order they were freed in: that is
   * what lets it reuse its bind groups (bindingCache.ts).
   */
  submitted(): void {
    for (const [key, buffers] of this.pending) for (const b of buffers) push(this.ready, b, key);
    for (const buffers of this.ready.values()) buffers.sort((a, b) => this.serial(b) - this.serial(a));
    this.pending.clear();
    this.readyBytes += this.pendingBytes;
    this.pendingBytes = 0;
    for (const buffer of this.doomed.splice(0)) this.destroy(buffer);
    this.trim();
  }

  destroyAll(): void {
    for (const buffer of this.owned) buffer.destroy();
    this.owned.clear();
    this.ownedBytes = 0;
    this.ready.clear();
    this.pending.clear();
    this.doomed.length = 0;
    this.readyBytes = 0;
    this.pendingBytes = 0;
  }

  private serial(buffer: GPUBuffer): number {
    return this.serials.get(buffer) ?? 0;
  }

  /** Destroys free buffers, largest first, until the pool is within its budget. */
  private trim(): void {
    if (this.readyBytes <= this.maxPooledBytes) return;
    const bySize = [...this.ready.values()].filter((list) => list.length > 0).sort((a, b) => b[0].size - a[0].size);
    for (const buffers of bySize) {
      while (buffers.length > 0 && this.readyBytes > this.maxPooledBytes) {
        const buffer = buffers.pop() as GPUBuffer;
        this.readyBytes -= buffer.size;
        this.destroy(buffer);
      }
    }
  }

  private create(size: number, usage: number, label: string): GPUBuffer {
    const buffer = this.device.createBuffer({ size, usage, label });
    this.serials.set(buffer, this.created++);
    this.owned.add(buffer);
    this.ownedBytes += size;
    return buffer;
  }

  private destroy(buffer: GPUBuffer): void {
    this.owned.delete(buffer);
    this.ownedBytes -= buffer.size;
    this.onDestroy(buffer);
    buffer.destroy();
  }
}

function push(map: Map<string, GPUBuffer[]>, buffer: GPUBuffer, key = `${buffer.usage}/${buffer.size}`): void {
  const list = map.get(key);
  if (list) list.push(buffer);
  else map.set(key, [buffer]);
}
