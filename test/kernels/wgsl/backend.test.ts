// The backend's execution model and failure modes: errors raised asynchronously by WebGPU come
// back as exceptions naming the kernel; a lost device or a disposed backend refuses work; the
// buffer pool never lets a host upload overwrite a buffer a pending kernel still reads.

import '../../../kernels/wgsl/register.js';
import { ops } from '../../../index.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { stridedCopyWgsl } from '../../../kernels/wgsl/stridedCopy.wgsl.js';
import { Uniforms } from '../../../kernels/wgsl/uniforms.js';

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await createWebGpuBackend();
});
afterAll(async () => {
  await gpu.dispose();
});

async function stillWorks(backend: WebGpuBackend): Promise<void> {
  const x = ops.tensor([-1, 2, -3], [3], 'float32', backend);
  const y = ops.relu(x);
  expect(Array.from(await y.data())).toEqual([0, 2, 0]);
  x.dispose();
  y.dispose();
}

describe('errors', () => {
  it('a WGSL compile error is thrown from the next read, naming the kernel and the line', async () => {
    const pipeline = gpu.pipeline('deliberately broken', () => '@compute @workgroup_size(1) fn main( {}');
    gpu.dispatch('deliberately broken', pipeline, new Uniforms().u32(0), [], [1, 1, 1]);
    await expect(gpu.flush()).rejects.toThrow(/webgpu: compiling the WGSL of kernel "deliberately broken" failed: .*:1:\d+ error: /s);
    await stillWorks(gpu);
  });

  it('in debug mode, a bad dispatch is thrown naming the kernel', async () => {
    const debug = await createWebGpuBackend({ debug: true });
    try {
      const pipeline = debug.pipeline('stridedCopy', stridedCopyWgsl);
      const only = debug.output({ shape: [4], dtype: 'float32', size: 4 });
      debug.dispatch('copy with a binding missing', pipeline, new Uniforms().u32(0), [only], [1, 1, 1]);
      await expect(debug.flush()).rejects.toThrow(/webgpu: running kernel "copy with a binding missing" failed: /);
      debug.free(only);
      await stillWorks(debug);
    } finally {
      await debug.dispose();
    }
  });

  it('without debug mode, the same mistake still surfaces at the next read', async () => {
    const pipeline = gpu.pipeline('stridedCopy', stridedCopyWgsl);
    const only = gpu.output({ shape: [4], dtype: 'float32', size: 4 });
    gpu.dispatch('copy with a binding missing', pipeline, new Uniforms().u32(0), [only], [1, 1, 1]);
    await expect(gpu.flush()).rejects.toThrow(/webgpu: the GPU reported an error \(with ROBERTA_WEBGPU_DEBUG=1, .*\): .*copy with a binding missing/s);
    gpu.free(only);
    await stillWorks(gpu);
  });

  it('refuses a tensor larger than the largest storage buffer, before allocating anything', () => {
    const limit = Math.min(gpu.device.limits.maxBufferSize, gpu.device.limits.maxStorageBufferBindingSize);
    const size = limit / 4 + 1;
    expect(() => gpu.output({ shape: [size], dtype: 'float32', size })).toThrow(/exceeds this device's largest storage buffer/);
  });

  it('a lost device makes every later call throw', async () => {
    const doomed = await createWebGpuBackend();
    doomed.device.destroy();
    await doomed.device.lost;
    expect(() => ops.tensor([1], [1], 'float32', doomed)).toThrow(/webgpu: upload: the WebGPU device was lost \(destroyed\)/);
    await doomed.dispose();
  });

  it('a disposed backend refuses work; freeing into it is harmless', async () => {
    const done = await createWebGpuBackend();
    const t = ops.tensor([1, 2], [2], 'float32', done);
    await done.dispose();
    expect(() => ops.tensor([1], [1], 'float32', done)).toThrow(/the backend was disposed/);
    t.dispose();
  });

  it('freeing a buffer twice is an error', () => {
    const buffer = gpu.upload(new Float32Array([1]), 'float32');
    gpu.free(buffer);
    expect(() => gpu.free(buffer)).toThrow(/free\(\) of a buffer this backend does not hold/);
  });
});

describe('execution', () => {
  it('chains recorded kernels and reads the end result', async () => {
    const x = ops.tensor([1, 2, 3, 4], [4], 'float32', gpu);
    const y = ops.scale(x, 2, 1);
    const z = ops.scale(y, 10);
    expect(Array.from(await z.data())).toEqual([30, 50, 70, 90]);
    for (const t of [x, y, z]) t.dispose();
  });

  it('an upload never reuses a buffer that a pending kernel still reads', async () => {
    // x's buffer is freed while relu(x) is only recorded. Were the next upload to take that buffer,
    // queue.writeBuffer would overwrite it before the recorded relu ran, and y would be relu(−x).
    const x = ops.tensor([1, -2, 3, -4], [4], 'float32', gpu);
    const y = ops.relu(x);
    x.dispose();
    const other = ops.tensor([-1, 2, -3, 4], [4], 'float32', gpu);
    expect(Array.from(await y.data())).toEqual([1, 0, 3, 0]);
    y.dispose();
    other.dispose();
  });

  it('a kernel output does reuse a buffer freed in the same pending encoder (passes run in order)', async () => {
    const x = ops.tensor([1, -2, 3, -4], [4], 'float32', gpu);
    const y = ops.relu(x);
    const freed = y.info().storage;
    const twice = ops.scale(y, 2);
    y.dispose();
    const z = ops.tanh(x);
    expect(z.info().storage).toBe(freed);
    expect(Array.from(await twice.data())).toEqual([2, 0, 6, 0]);
    for (const t of [x, twice, z]) t.dispose();
  });
});
