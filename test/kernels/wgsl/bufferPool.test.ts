// The buffer pool's reuse rules (bufferPool.ts), on a fake device that only counts buffers.

/// <reference types="@webgpu/types" />

import { BufferPool, EXACT_UPLOAD_BYTES, sizeClass } from '../../../kernels/wgsl/bufferPool.js';

const STORAGE = 0x80;
const UNIFORM = 0x40;

function fakeDevice() {
  const created: { size: number; usage: number; destroyed: boolean }[] = [];
  const device = {
    createBuffer({ size, usage }: GPUBufferDescriptor) {
      const buffer = { size, usage, destroyed: false, destroy: () => (buffer.destroyed = true) };
      created.push(buffer);
      return buffer;
    },
  } as unknown as GPUDevice;
  return { device, created };
}

describe('sizeClass', () => {
  it('rounds up to one of eight sizes per power of two, at least 256 bytes', () => {
    expect([1, 256, 257, 300, 511, 512, 513, 1000, 4096, 4097].map(sizeClass)).toEqual([256, 256, 288, 320, 512, 512, 576, 1024, 4096, 4608]);
    for (let bytes = 1; bytes < 1e6; bytes = Math.ceil(bytes * 1.37)) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size).toBeLessThanOrEqual(Math.max(256, bytes * 1.125));
      expect(size % 16).toBe(0);
    }
  });
});

describe('BufferPool', () => {
  it('gives a freed buffer to a kernel at once, but to the host only after the next submit', () => {
    const { device } = fakeDevice();
    const pool = new BufferPool(device, 1 << 20);
    const a = pool.acquire(1000, STORAGE, 'gpu', 'a');
    pool.release(a);
    expect(pool.acquire(1000, STORAGE, 'host', 'upload')).not.toBe(a);
    expect(pool.acquire(1000, STORAGE, 'gpu', 'output')).toBe(a);
    pool.release(a);
    pool.submitted();
    expect(pool.acquire(1000, STORAGE, 'host', 'upload')).toBe(a);
  });

  it('keys buffers by usage and size class', () => {
    const { device } = fakeDevice();
    const pool = new BufferPool(device, 1 << 20);
    const a = pool.acquire(1000, STORAGE, 'gpu', 'a');
    pool.release(a);
    pool.submitted();
    expect(pool.acquire(1000, UNIFORM, 'host', 'u')).not.toBe(a);
    expect(pool.acquire(5000, STORAGE, 'host', 'b')).not.toBe(a);
    expect(pool.acquire(990, STORAGE, 'host', 'c')).toBe(a); // same class: 1024
  });

  it('counts pooled and allocated bytes, and destroys free buffers beyond its budget', () => {
    const { device, created } = fakeDevice();
    const pool = new BufferPool(device, 2048);
    const buffers = [1024, 1024, 1024].map((bytes) => pool.acquire(bytes, STORAGE, 'gpu', 'x'));
    expect(pool.allocated).toEqual({ buffers: 3, bytes: 3072 });
    for (const b of buffers) pool.release(b);
    expect(pool.pooledBytes).toBe(3072); // pending buffers are kept until the submit
    pool.submitted();
    expect(pool.pooledBytes).toBe(2048);
    expect(created.filter((b) => b.destroyed)).toHaveLength(1);
    expect(pool.allocated).toEqual({ buffers: 2, bytes: 2048 });
    pool.destroyAll();
    expect(created.every((b) => b.destroyed)).toBe(true);
    expect(pool.allocated).toEqual({ buffers: 0, bytes: 0 });
  });

  it('hands free buffers out oldest first after a submit, whatever order they were freed in', () => {
    const { device } = fakeDevice();
    const order = (releaseOrder: number[]) => {
      const pool = new BufferPool(device, 1 << 20);
      const buffers = [0, 1, 2].map(() => pool.acquire(1000, STORAGE, 'gpu', 'x'));
      for (const i of releaseOrder) pool.release(buffers[i]);
      pool.submitted();
      return [0, 1, 2].map(() => buffers.indexOf(pool.acquire(1000, STORAGE, 'gpu', 'y')));
    };
    expect(order([0, 1, 2])).toEqual([0, 1, 2]);
    expect(order([2, 0, 1])).toEqual([0, 1, 2]);
  });

  it('gives large uploads a buffer of their exact size, and destroys it when freed, after the next submit', () => {
    const { device, created } = fakeDevice();
    const destroyed: GPUBuffer[] = [];
    const pool = new BufferPool(device, 1 << 30, (b) => destroyed.push(b));
    const bytes = EXACT_UPLOAD_BYTES + 1234; // its size class would be 18 MiB
    const upload = pool.acquire(bytes, STORAGE, 'host', 'weights');
    expect(upload.size).toBe(EXACT_UPLOAD_BYTES + 1236);
    expect(pool.acquire(bytes, STORAGE, 'gpu', 'output').size).toBe(sizeClass(bytes));
    pool.release(upload);
    expect(created[0].destroyed).toBe(false); // the encoder not yet submitted may still read it
    expect(pool.pooledBytes).toBe(0);
    pool.submitted();
    expect(created[0].destroyed).toBe(true);
    expect(destroyed).toEqual([upload]);
    expect(pool.allocated).toEqual({ buffers: 1, bytes: sizeClass(bytes) });
    expect(created).toHaveLength(2);
  });
});
