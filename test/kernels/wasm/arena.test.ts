// The arena's size classes and free lists, over a real (small) shared WebAssembly.Memory.

import { Arena, BLOCK_ALIGN, sizeClass } from '../../../kernels/wasm/arena.js';
import { WebAssemblyApi } from '../../../kernels/wasm/webAssemblyApi.js';

const PAGE = 65536;

function arena(initialPages: number, maxPages: number): { arena: Arena; memory: { buffer: ArrayBufferLike } } {
  const memory = new WebAssemblyApi.Memory({ initial: initialPages, maximum: maxPages, shared: true });
  return { arena: new Arena(memory, 100, maxPages * PAGE), memory };
}

describe('sizeClass', () => {
  it('rounds small requests to cache lines and larger ones to quarter powers of two', () => {
    expect([0, 1, 64, 65, 200, 256].map(sizeClass)).toEqual([64, 64, 64, 128, 256, 256]);
    // 2^9 = 512 < bytes ≤ 1024: classes 640, 768, 896, 1024.
    expect([257, 320, 321, 513, 641, 1000, 1024, 1025].map(sizeClass)).toEqual([320, 320, 384, 640, 768, 1024, 1024, 1280]);
  });

  it('never wastes more than a quarter, and keeps blocks cache-line aligned', () => {
    for (let bytes = 1; bytes < 1 << 22; bytes = Math.ceil(bytes * 1.37) + 1) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size % BLOCK_ALIGN).toBe(0);
      if (bytes > 4 * BLOCK_ALIGN) expect(size).toBeLessThanOrEqual(bytes * 1.25);
    }
  });
});

describe('Arena', () => {
  it('starts above the reserved bytes, aligned, and hands out disjoint blocks', () => {
    const { arena: a } = arena(1, 4);
    const first = a.alloc(10);
    const second = a.alloc(100);
    expect(first).toBe(128); // 100 reserved bytes, rounded up to the 64-byte alignment
    expect(second).toBe(first + 64);
    expect(a.stats()).toEqual({ blocks: 2, bytes: 64 + 128, pooledBytes: 0 });
  });

  it('reuses a freed block for the next request of its size class', () => {
    const { arena: a } = arena(1, 4);
    const block = a.alloc(1000);
    a.alloc(64);
    a.free(block);
    expect(a.stats().pooledBytes).toBe(1024);
    expect(a.alloc(900)).toBe(block); // 900 and 1000 share the class 1024
    expect(a.stats()).toEqual({ blocks: 2, bytes: 1024 + 64, pooledBytes: 0 });
  });

  it('grows the memory when the top is reached, without invalidating earlier views', () => {
    const { arena: a, memory } = arena(1, 8);
    const block = a.alloc(1000);
    const view = new Float32Array(memory.buffer, block, 4);
    view.set([1, 2, 3, 4]);
    const big = a.alloc(3 * PAGE);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 3 * PAGE);
    expect([...view]).toEqual([1, 2, 3, 4]);
  });

  it('says what went wrong on a double free and when the maximum is reached', () => {
    const { arena: a } = arena(1, 2);
    const block = a.alloc(64);
    a.free(block);
    expect(() => a.free(block)).toThrow(`wasm arena: no live block at offset ${block} (freed twice?)`);
    expect(() => a.alloc(3 * PAGE)).toThrow(/^wasm backend: out of memory: 196608 more bytes would need \d+ bytes, over the maximum of 131072$/);
  });
});
