// Memory management inside the one WebAssembly.Memory every thread shares. Blocks are carved from
// the top of the memory (growing it when needed) and, when freed, kept on a free list per size
// class for the next block of that class: a transformer allocates the same few activation sizes
// over and over, so after the first forward pass nothing new is carved. WebAssembly memory
// cannot shrink, so freed blocks are reused, never returned.

import type { WasmMemory } from './webAssemblyApi.js';

/** Every block starts on a cache line (and so on a 16-byte boundary, as v128 loads prefer). */
export const BLOCK_ALIGN = 64;

/**
 * The size class of a request: multiples of 64 bytes up to 256, then four classes per power of
 * two (1, 1.25, 1.5, 1.75 × 2^e), so a block wastes at most a quarter of its size while sizes
 * that differ a little (sequence lengths) still share blocks.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 4 * BLOCK_ALIGN) return Math.max(BLOCK_ALIGN, Math.ceil(bytes / BLOCK_ALIGN) * BLOCK_ALIGN);
  const quarter = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
  return Math.ceil(bytes / quarter) * quarter;
}

const PAGE = 65536;

export interface ArenaStats {
  readonly blocks: number;
  readonly bytes: number;
  readonly pooledBytes: number;
}

export class Arena {
  private top: number;
  private readonly live = new Map<number, number>(); // offset → class bytes
  private readonly freeLists = new Map<number, number[]>(); // class bytes → offsets
  private liveBytes = 0;
  private pooledBytes = 0;

  constructor(
    private readonly memory: WasmMemory,
    /** Bytes below this are reserved (the thread control block). */
    base: number,
    /** The most the memory may grow to, in bytes. */
    private readonly maxBytes: number,
  ) {
    this.top = Math.ceil(base / BLOCK_ALIGN) * BLOCK_ALIGN;
  }

  /** The byte offset of a new block of at least `bytes` bytes (contents undefined). */
  alloc(bytes: number): number {
    const size = sizeClass(bytes);
    const reused = this.freeLists.get(size)?.pop();
    const offset = reused ?? this.carve(size);
    if (reused !== undefined) this.pooledBytes -= size;
    this.live.set(offset, size);
    this.liveBytes += size;
    return offset;
  }

  free(offset: number): void {
    const size = this.live.get(offset);
    if (size === undefined) throw new Error(`wasm arena: no live block at offset ${offset} (freed twice?)`);
    this.live.delete(offset);
    this.liveBytes -= size;
    this.pooledBytes += size;
    let list = this.freeLists.get(size);
    if (!list) this.freeLists.set(size, (list = []));
    list.push(offset);
  }

  stats(): ArenaStats {
    return { blocks: this.live.size, bytes: this.liveBytes, pooledBytes: this.pooledBytes };
  }

  private carve(size: number): number {
    const offset = this.top;
    const end = offset + size;
    const current = this.memory.buffer.byteLength;
    if (end > current) {
      if (end > this.maxBytes) {
        throw new Error(`wasm backend: out of memory: ${size} more bytes would need ${end} bytes, over the maximum of ${this.maxBytes}`);
      }
      // Grow by at least an eighth of the current size, so a model's worth of uploads takes a
      // few dozen grow calls rather than thousands.
      const wanted = Math.min(this.maxBytes, Math.max(end, current + current / 8));
      this.memory.grow(Math.ceil((wanted - current) / PAGE));
    }
    this.top = end;
    return offset;
  }
}
