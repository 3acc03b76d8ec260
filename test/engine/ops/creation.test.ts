// Making tensors from host values, and copying them between backends.

import { ops, type NestedArray, type TypedArray } from '../../kernels/engine.js';
import { DeviceDouble } from '../deviceDouble.js';

describe('tensor', () => {
  it('infers the shape of nested arrays and rounds numbers to float32', async () => {
    const t = ops.tensor([[0.1, 2], [3, 4], [5, 6]]);
    expect(t.shape).toEqual([3, 2]);
    expect(t.dtype).toBe('float32');
    expect(await t.data()).toEqual(Float32Array.from([0.1, 2, 3, 4, 5, 6]));
    expect((await t.data())[0]).toBe(Math.fround(0.1));
  });

  it('takes the dtype of a typed array, and a flat shape by default', async () => {
    const t = ops.tensor(Int32Array.from([1, -2, 3]));
    expect([t.dtype, t.shape]).toEqual(['int32', [3]]);
    expect(ops.tensor([7, 8], [2], 'int32').dtype).toBe('int32');
    expect(ops.tensor(new Float32Array(6), [2, 3]).shape).toEqual([2, 3]);
    expect(ops.scalar(4, 'int32').shape).toEqual([]);
  });

  it('refuses values that do not make a tensor', () => {
    expect(() => ops.tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array: every row at depth 1 must have length 2');
    expect(() => ops.tensor([[1, 2], [3, [4]]] as NestedArray)).toThrow('tensor: ragged nested array: expected a number at depth 2');
    expect(() => ops.tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values do not fill shape [2,2] (4 elements)');
    expect(() => ops.tensor([1, 2], [2, -1])).toThrow('tensor: shape has an invalid shape [2,-1]: dimensions must be non-negative integers');
    expect(() => ops.tensor(new Float64Array(2) as unknown as TypedArray)).toThrow('tensor: unsupported typed array Float64Array (use Float32Array, Int32Array, Int8Array or Uint16Array of float16 bits)');
    expect(() => ops.tensor(new Float32Array(2), [2], 'int32')).toThrow('tensor: dtype int32 does not match the Float32Array given');
    expect(() => ops.tensor([1.5], [1], 'int32')).toThrow('tensor: 1.5 is not an int32 value');
    expect(() => ops.tensor([2147483648], [1], 'int32')).toThrow('tensor: 2147483648 is not an int32 value');
    expect(() => ops.tensor([1], [1], 'float64' as 'float32')).toThrow('tensor: unsupported dtype float64 (supported: float32, int32, int8, float16)');
  });
});

describe('copyTo', () => {
  it('moves values to another backend and back unchanged', async () => {
    const device = new DeviceDouble();
    const t = ops.tensor([[1.5, -2], [3, 4]]);
    const there = await ops.copyTo(t, device);
    expect([there.backend.name, there.shape, there.dtype]).toEqual(['wasm', [2, 2], 'float32']);
    const back = await ops.copyTo(there, t.backend);
    expect(back.backend).toBe(t.backend);
    expect(await back.array()).toEqual([[1.5, -2], [3, 4]]);
    there.dispose();
    expect(device.memory().buffers).toBe(0);
  });
});
