// Tensor basics: metadata, reading values, printing, disposal.

import { liveCounts, ops } from '../kernels/engine.js';
import { DeviceDouble } from './deviceDouble.js';

describe('Tensor', () => {
  it('knows its shape, dtype, size and rank, and keeps its own frozen copy of the shape', () => {
    const shape = [2, 3, 4];
    const t = ops.tensor(new Int32Array(24), shape);
    shape[0] = 99;
    expect([t.shape, t.dtype, t.size, t.rank]).toEqual([[2, 3, 4], 'int32', 24, 3]);
    expect(Object.isFrozen(t.shape)).toBe(true);
    const s = ops.scalar(1);
    expect([s.shape, s.size, s.rank]).toEqual([[], 1, 0]);
    expect(ops.tensor(new Float32Array(0), [2, 0]).size).toBe(0);
  });

  it('gives each tensor a new id', () => {
    const a = ops.scalar(1);
    const b = ops.scalar(1);
    expect(b.id).toBeGreaterThan(a.id);
  });

  it('reads a copy of its data', async () => {
    const t = ops.tensor([1, 2, 3]);
    const data = await t.data();
    data[0] = 100;
    expect(await t.data()).toEqual(Float32Array.from([1, 2, 3]));
  });

  it('reads nested arrays following the shape', async () => {
    expect(await ops.tensor([1, 2, 3, 4, 5, 6], [2, 1, 3]).array()).toEqual([[[1, 2, 3]], [[4, 5, 6]]]);
    expect(await ops.scalar(2.5).array()).toBe(2.5);
    expect(await ops.tensor(new Float32Array(0), [2, 0]).array()).toEqual([[], []]);
  });

  describe('toString and format', () => {
    it('prints nested brackets with six significant digits', async () => {
      const t = ops.tensor([[1.5, 2, 3], [4, 5, 6.123456789]]);
      const text = 'Tensor [2,3] float32 on cpu\n[[1.5, 2, 3],\n [4, 5, 6.12346]]';
      expect(t.toString()).toBe(text);
      expect(await t.format()).toBe(text);
      expect(ops.tensor([[[1, 2], [3, 4]]]).toString()).toBe('Tensor [1,2,2] float32 on cpu\n[[[1, 2],\n  [3, 4]]]');
      expect(ops.tensor([1e-7, -123456789, 0.1]).toString()).toBe('Tensor [3] float32 on cpu\n[1e-7, -123457000, 0.1]');
    });

    it('prints integers, scalars, and the ends of long axes', () => {
      expect(ops.tensor([1, -2, 3], [3], 'int32').toString()).toBe('Tensor [3] int32 on cpu\n[1, -2, 3]');
      expect(ops.scalar(3).toString()).toBe('Tensor [] float32 on cpu\n3');
      const long = ops.tensor(Float32Array.from({ length: 20 }, (_, i) => i), [2, 10]);
      expect(long.toString()).toBe('Tensor [2,10] float32 on cpu\n[[0, 1, 2, ..., 7, 8, 9],\n [10, 11, 12, ..., 17, 18, 19]]');
      const six = ops.tensor([1, 2, 3, 4, 5, 6], [6], 'int32');
      expect(six.toString()).toBe('Tensor [6] int32 on cpu\n[1, 2, 3, 4, 5, 6]');
    });

    it('says where values cannot be read synchronously, and format reads them', async () => {
      const t = ops.tensor([1, 2], [2], 'float32', new DeviceDouble());
      expect(t.toString()).toBe('Tensor [2] float32 on wasm (on device: await t.format() to see values)');
      expect(await t.format()).toBe('Tensor [2] float32 on wasm\n[1, 2]');
    });

    it('prints a disposed tensor without touching its storage', () => {
      const t = ops.tensor([1, 2]);
      t.dispose();
      expect(t.toString()).toBe(`Tensor #${t.id} [2] float32 (disposed)`);
    });
  });

  describe('dispose', () => {
    it('is idempotent and frees the storage once', () => {
      const cpu = ops.scalar(0).backend;
      const before = { live: liveCounts(), bytes: cpu.memory().bytes };
      const t = ops.tensor(new Float32Array(10));
      expect(liveCounts()).toEqual({ tensors: before.live.tensors + 1, buffers: before.live.buffers + 1 });
      expect(cpu.memory().bytes).toBe(before.bytes + 40);
      t.dispose();
      t.dispose();
      expect(t.isDisposed).toBe(true);
      expect(liveCounts()).toEqual(before.live);
      expect(cpu.memory().bytes).toBe(before.bytes);
    });

    it('makes every later use an error naming the tensor', async () => {
      const t = ops.tensor([[1, 2]]);
      t.dispose();
      await expect(t.data()).rejects.toThrow(`data: tensor #${t.id} [1,2] was disposed`);
      await expect(t.array()).rejects.toThrow(`data: tensor #${t.id} [1,2] was disposed`);
      expect(() => ops.reshape(t, [2])).toThrow(`reshape: tensor #${t.id} [1,2] was disposed`);
      expect(() => ops.matmul(t, ops.tensor([[1], [2]]))).toThrow(`matmul: tensor #${t.id} [1,2] was disposed`);
      expect(() => ops.add(ops.tensor([[1, 2]]), t)).toThrow(`add: tensor #${t.id} [1,2] was disposed`);
      expect(() => ops.concat([ops.tensor([[1, 2]]), t], 0)).toThrow(`concat: tensor #${t.id} [1,2] was disposed`);
    });
  });
});
