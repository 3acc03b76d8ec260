// Ops never move data between backends implicitly: mixing backends is an error naming both.

import { ops, tidy } from '../kernels/engine.js';
import { DeviceDouble } from './deviceDouble.js';

describe('inputs on different backends', () => {
  it('are refused by every kind of op, naming both backends', () => {
    tidy(() => {
      const device = new DeviceDouble();
      const here = ops.tensor([[1, 2], [3, 4]]);
      const there = ops.tensor([[1, 2], [3, 4]], undefined, undefined, device);
      const hint = 'inputs live on different backends (cpu and wasm); move one first';
      expect(() => ops.matmul(here, there)).toThrow(`matmul: ${hint}`);
      expect(() => ops.add(here, there)).toThrow(`add: ${hint}`);
      expect(() => ops.concat([here, there], 0)).toThrow(`concat: ${hint}`);
      expect(() => ops.softmax(here, there)).toThrow(`softmax: ${hint}`);
      expect(() => ops.linear(here, there)).toThrow(`linear: ${hint}`);
      expect(() => ops.layerNorm(there, ops.tensor([1, 1], [2], 'float32', device), ops.tensor([0, 0]), 1e-5)).toThrow(
        'layerNorm: inputs live on different backends (wasm and cpu); move one first',
      );
    });
  });

  it('can be combined after copying one of them', async () => {
    const here = ops.tensor([1, 2]);
    const there = ops.tensor([10, 20], undefined, undefined, new DeviceDouble());
    expect(await ops.add(here, await ops.copyTo(there, here.backend)).array()).toEqual([11, 22]);
  });
});
