// Reuse of uniform buffers and bind groups (bindingCache.ts), on a fake device that records what
// it is asked to create and write.

/// <reference types="@webgpu/types" />

import { BindingCache } from '../../../kernels/wgsl/bindingCache.js';
import { BufferPool } from '../../../kernels/wgsl/bufferPool.js';

const STORAGE = 0x80;

function fakeDevice() {
  const groups: GPUBindGroupDescriptor[] = [];
  const writes: number[][] = [];
  const device = {
    createBuffer({ size, usage }: GPUBufferDescriptor) {
      const buffer = { size, usage, destroyed: false, destroy: () => (buffer.destroyed = true) };
      return buffer;
    },
    createBindGroup(descriptor: GPUBindGroupDescriptor) {
      groups.push(descriptor);
      return { descriptor };
    },
    queue: {
      writeBuffer(_buffer: GPUBuffer, _offset: number, data: ArrayBuffer, dataOffset: number, size: number) {
        writes.push([...new Uint32Array(data, dataOffset, size / 4)]);
      },
    },
  } as unknown as GPUDevice;
  return { device, groups, writes };
}

const pipeline = (name: string) => ({ label: name }) as unknown as GPUComputePipeline;
const layout = {} as GPUBindGroupLayout;
const uniforms = (...words: number[]) => new Uint8Array(new Uint32Array([...words, ...new Array(4 - (words.length % 4 || 4)).fill(0)]).buffer);
const boundBuffers = (d: GPUBindGroupDescriptor) => [...d.entries].map((e) => (e.resource as GPUBufferBinding).buffer);

describe('BindingCache', () => {
  it('reuses a bind group for the same pipeline, uniform values and buffers, and makes a new one otherwise', () => {
    const { device, groups, writes } = fakeDevice();
    const pool = new BufferPool(device, 1 << 20);
    const cache = new BindingCache(device, pool);
    const [x, y] = [pool.acquire(1024, STORAGE, 'gpu', 'x'), pool.acquire(1024, STORAGE, 'gpu', 'y')];
    const matmul = pipeline('matmul');
    const first = cache.bindGroup('matmul', matmul, layout, uniforms(128, 768), [x, y]);
    expect(cache.bindGroup('matmul', matmul, layout, uniforms(128, 768), [x, y])).toBe(first);
    expect(groups).toHaveLength(1);
    expect(writes).toEqual([[128, 768, 0, 0]]); // the uniform struct is written once

    expect(cache.bindGroup('matmul', matmul, layout, uniforms(128, 769), [x, y])).not.toBe(first);
    expect(cache.bindGroup('matmul', matmul, layout, uniforms(128, 768), [y, x])).not.toBe(first);
    expect(cache.bindGroup('other', pipeline('other'), layout, uniforms(128, 768), [x, y])).not.toBe(first);
    expect(groups).toHaveLength(4);
    expect(writes).toHaveLength(2);
    // Equal uniform values share one buffer, bound at binding 0; the tensors follow in order.
    expect(boundBuffers(groups[3])).toEqual([boundBuffers(groups[0])[0], x, y]);
  });

  it('drops the bind groups that name a buffer once the pool destroys it', () => {
    const { device, groups } = fakeDevice();
    let cache: BindingCache | undefined;
    const pool = new BufferPool(device, 0, (buffer) => cache?.forgetBuffer(buffer)); // keeps nothing free
    // Room for two bind groups: only if the destroyed buffer's group is dropped does the third
    // fit without the cache starting over.
    cache = new BindingCache(device, pool, { uniforms: 100, bindGroups: 2 });
    const x = pool.acquire(1024, STORAGE, 'gpu', 'x');
    const kept = pool.acquire(1024, STORAGE, 'gpu', 'kept');
    const p = pipeline('p');
    cache.bindGroup('p', p, layout, uniforms(1), [x]);
    const other = cache.bindGroup('p', p, layout, uniforms(1), [kept]);
    pool.release(x);
    pool.submitted(); // over budget: x is destroyed
    expect((x as unknown as { destroyed: boolean }).destroyed).toBe(true);
    const x2 = pool.acquire(1024, STORAGE, 'gpu', 'x2');
    cache.bindGroup('p', p, layout, uniforms(1), [x2]);
    expect(groups).toHaveLength(3);
    expect(boundBuffers(groups[2])[1]).toBe(x2);
    expect(cache.bindGroup('p', p, layout, uniforms(1), [kept])).toBe(other);
  });

  it('starts over when full, returning its uniform buffers to the pool', () => {
    const { device, groups, writes } = fakeDevice();
    const pool = new BufferPool(device, 1 << 20);
    const cache = new BindingCache(device, pool, { uniforms: 2, bindGroups: 2 });
    const x = pool.acquire(1024, STORAGE, 'gpu', 'x');
    const p = pipeline('p');
    const first = cache.bindGroup('p', p, layout, uniforms(1), [x]);
    cache.bindGroup('p', p, layout, uniforms(2), [x]);
    cache.bindGroup('p', p, layout, uniforms(3), [x]); // both caches full: everything is forgotten
    expect(cache.bindGroup('p', p, layout, uniforms(1), [x])).not.toBe(first);
    expect(groups).toHaveLength(4);
    expect(writes.map((w) => w[0])).toEqual([1, 2, 3, 1]);
    expect(pool.pooledBytes).toBe(2 * 256); // the two forgotten uniform buffers, pending reuse
  });
});
