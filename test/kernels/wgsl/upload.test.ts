// Uploads flush Dawn's staging memory with an empty submit every 16 MiB (backend.ts, upload and
// uploadFrom). The flush must be invisible: kernels recorded before it still run after it, on the
// data they were recorded with, and what was uploaded reads back exactly.

import '../../../kernels/wgsl/register.js';
import { ops, Tensor } from '../../../index.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { describeUploadFrom } from '../../engine/uploadFrom.js';

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await createWebGpuBackend();
});
afterAll(async () => {
  await gpu.dispose();
});

it('uploads past the staging flush read back exactly, and kernels recorded before the flush are unaffected', async () => {
  const x = ops.tensor([1, -2, 3], [3], 'float32', gpu);
  const recorded = ops.relu(x); // recorded in the open encoder, not yet submitted
  // x's buffer is still to be read by the recorded relu: no flush may let a host upload reuse it.
  x.dispose();
  const big = new Float32Array((40 * 2 ** 20) / 4).map((_, i) => (i % 1000) - 500);
  const uploads = [0, 1, 2].map((k) => ops.tensor(big.map((v) => v + k), [big.length], 'float32', gpu));
  // And one more streamed in 4 MiB pieces, as a weight read from disk is, from one reused buffer.
  const piece = new Float32Array(2 ** 20);
  const streamedStorage = gpu.uploadFrom('float32', big.length, (write) => {
    for (let at = 0; at < big.length; at += piece.length) {
      const count = Math.min(piece.length, big.length - at);
      for (let i = 0; i < count; i++) piece[i] = big[at + i]! + 3;
      write(new Uint8Array(piece.buffer, 0, count * 4), at * 4);
    }
  });
  uploads.push(Tensor.fromStorage(gpu, streamedStorage, [big.length], 'float32'));
  const after = ops.tensor([7, 8, 9], [3], 'float32', gpu);

  expect(Array.from(await recorded.data())).toEqual([1, 0, 3]);
  expect(Array.from(await after.data())).toEqual([7, 8, 9]);
  for (const [k, t] of uploads.entries()) {
    const back = (await t.data()) as Float32Array;
    expect(back).toHaveLength(big.length);
    expect(back.every((v, i) => v === big[i]! + k)).toBe(true);
  }
  for (const t of [recorded, after, ...uploads]) t.dispose();
});

describeUploadFrom('webgpu', async () => gpu);

it('uploadFrom refuses a piece that is not whole 4-byte elements, as writeBuffer needs', () => {
  expect(() => gpu.uploadFrom('float32', 4, (write) => write(new Uint8Array(6), 0))).toThrow(
    "webgpu: uploadFrom: a piece of 6 bytes at byte 0 is not whole 4-byte elements within the tensor's 16 bytes",
  );
  expect(() => gpu.uploadFrom('float32', 4, (write) => write(new Uint8Array(4), 2))).toThrow(/a piece of 4 bytes at byte 2/);
});
